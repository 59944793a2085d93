package dev.kerf.emulator.usermode;

import dev.kerf.emulator.cpu.Cpu;

import java.util.zip.CRC32C;

/**
 * A process's user-visible registers as 40 little-endian bytes: EAX ECX EDX EBX ESP EBP ESI EDI
 * (encoding order), EIP, EFLAGS. Kept as bytes, not ints, so that a redactor sees and rewrites
 * them like any other region of a slice ({@link ProcessSlice#regions()}): the array is live.
 */
public final class UserRegisters {
    public static final int SIZE = 40;
    public static final int EIP = 8, EFLAGS = 9;
    private final byte[] bytes;

    public UserRegisters(byte[] bytes) {
        if (bytes.length != SIZE) throw new IllegalArgumentException("registers must be " + SIZE + " bytes, not " + bytes.length);
        this.bytes = bytes;
    }

    /** The registers of {@code cpu} now (EFLAGS materialised). */
    public static UserRegisters of(Cpu cpu) {
        byte[] b = new byte[SIZE];
        for (int i = 0; i < 8; i++) put(b, i, cpu.reg[i]);
        put(b, EIP, cpu.eip);
        put(b, EFLAGS, cpu.getEflags());
        return new UserRegisters(b);
    }

    private static void put(byte[] b, int i, int v) {
        b[4 * i] = (byte) v;
        b[4 * i + 1] = (byte) (v >>> 8);
        b[4 * i + 2] = (byte) (v >>> 16);
        b[4 * i + 3] = (byte) (v >>> 24);
    }

    /** Register {@code i} (0..7 general in encoding order, {@link #EIP}, {@link #EFLAGS}). */
    public int get(int i) {
        return (bytes[4 * i] & 0xFF) | (bytes[4 * i + 1] & 0xFF) << 8 | (bytes[4 * i + 2] & 0xFF) << 16 | bytes[4 * i + 3] << 24;
    }

    /** The live backing bytes (see the class comment). */
    public byte[] bytes() {
        return bytes;
    }

    /** CRC-32C of the 40 bytes: how an exit checks the registers without storing them. */
    public int digest() {
        CRC32C crc = new CRC32C();
        crc.update(bytes);
        return (int) crc.getValue();
    }

    @Override
    public String toString() {
        return String.format("eax=%08x ecx=%08x edx=%08x ebx=%08x esp=%08x ebp=%08x esi=%08x edi=%08x eip=%08x eflags=%08x",
                get(0), get(1), get(2), get(3), get(4), get(5), get(6), get(7), get(EIP), get(EFLAGS));
    }
}
