/** Internals shared by the core's readers; not part of the API and subject to change. */
package io.github.boneage.core.impl;
