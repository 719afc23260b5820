/**
 * Per-image reports: the JSON document ({@link io.github.boneage.clinical.report.ReportJson}) and the self-contained
 * HTML page ({@link io.github.boneage.clinical.report.HtmlReport}) built from a
 * {@link io.github.boneage.clinical.report.BoneAgeReport}.
 */
package io.github.boneage.clinical.report;
