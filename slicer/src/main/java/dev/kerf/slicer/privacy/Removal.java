package dev.kerf.slicer.privacy;

/**
 * Where one occurrence of a secret was removed: {@code length} bytes at {@code offset} in the
 * region labelled {@code label} ({@code address} = region address + offset, or -1). An occurrence
 * that straddles regions gives one removal per region, with the same {@code occurrence} number.
 * Names the secret by index and kind only.
 */
public record Removal(int occurrence, int secret, SecretKind kind, String label, long address, int offset, int length) {
}
