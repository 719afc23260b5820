/** HL7 FHIR output: a bone-age Observation (LOINC 85151-9). */
package io.github.boneage.clinical.fhir;
