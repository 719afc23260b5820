/** Typed grey images over primitive arrays, 8- and 16-bit. */
package io.github.boneage.core.image;
