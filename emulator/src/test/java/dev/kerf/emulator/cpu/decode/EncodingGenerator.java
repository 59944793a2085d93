package dev.kerf.emulator.cpu.decode;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Deterministic x86 encodings for the capstone cross-check: every one-byte opcode and every
 * two-byte opcode (0F xx), each behind random legacy prefixes and followed by random
 * ModRM/SIB/displacement/immediate bytes, plus plain random byte strings. Same seed, same list.
 */
final class EncodingGenerator {
    /** Every encoding is this long: the architectural maximum; what the instruction needs is its prefix. */
    static final int LENGTH = 15;
    private static final int[] PREFIXES = {0x66, 0x67, 0xF2, 0xF3, 0xF0, 0x26, 0x2E, 0x36, 0x3E, 0x64, 0x65};

    private final Random random;

    EncodingGenerator(long seed) {
        this.random = new Random(seed);
    }

    /** {@code perOpcode} encodings for each one- and two-byte opcode, then {@code randomStrings} random strings. */
    List<byte[]> generate(int perOpcode, int randomStrings) {
        List<byte[]> out = new ArrayList<>();
        for (int op = 0; op < 256; op++) {
            if (op == 0x0F || UnsupportedEncodings.isPrefix(op)) continue;
            for (int i = 0; i < perOpcode; i++) out.add(withOpcode(new int[] {op}));
        }
        for (int op = 0; op < 256; op++)
            for (int i = 0; i < perOpcode; i++) out.add(withOpcode(new int[] {0x0F, op}));
        for (int i = 0; i < randomStrings; i++) {
            byte[] b = new byte[LENGTH];
            random.nextBytes(b);
            out.add(b);
        }
        return out;
    }

    private byte[] withOpcode(int[] opcode) {
        byte[] b = new byte[LENGTH];
        random.nextBytes(b);
        int p = 0;
        // Half without prefixes; the rest with one to three, repeats allowed (as decoders must take them).
        int count = random.nextBoolean() ? 0 : 1 + random.nextInt(3);
        for (int i = 0; i < count; i++) b[p++] = (byte) PREFIXES[random.nextInt(PREFIXES.length)];
        for (int o : opcode) b[p++] = (byte) o;
        // Bias ModRM towards memory forms with SIB and displacements a quarter of the time.
        if (random.nextInt(4) == 0) b[p] = (byte) ((b[p] & 0x38) | (random.nextInt(3) << 6) | 4);
        return b;
    }
}
