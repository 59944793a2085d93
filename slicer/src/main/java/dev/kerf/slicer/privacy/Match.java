package dev.kerf.slicer.privacy;

/** One occurrence of a secret: {@code length} bytes from {@code start} in the scanned run. */
record Match(int secret, long start, int length) {
    long end() { return start + length; }
}
