package dev.kerf.emulator.cpu;

import static dev.kerf.emulator.cpu.RandomPrograms.*;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The emission side of {@link RandomPrograms}: the program buffer and its instruction starts,
 * forward labels (bound at item boundaries only, so no branch lands between an instruction and
 * the MOVs that set up its operands), random registers and operand addresses, and the prefix,
 * ModRM and SIB encoding of one instruction. The instruction families are in {@link SystemItems}
 * and {@link RandomPrograms}.
 */
abstract class ProgramAssembler {
    final SplittableRandom rnd;
    final Config cfg;
    final int origin;
    byte[] buf = new byte[0x2000];
    int len;
    final List<Integer> starts = new ArrayList<>();
    final List<Label> pending = new ArrayList<>();
    /** The end sequence (bound last). */
    final Label endLabel = new Label();

    ProgramAssembler(SplittableRandom rnd, Config cfg, int origin) {
        this.rnd = rnd;
        this.cfg = cfg;
        this.origin = origin;
    }

    /** One random item: an instruction with its set-up, or a small construct. */
    abstract void item();

    // ------------------------------------------------------------------ emission

    /** A forward (or, for loops, backward) branch target. */
    final class Label {
        int at = -1;
        /** Bind at the start of the countdown-th instruction from now (0: bound explicitly). */
        int countdown;
        final List<int[]> refs = new ArrayList<>(); // {position, kind, end of instruction}
        boolean hasRel8;
        int firstRef = Integer.MAX_VALUE;
    }

    static final int REL8 = 0, REL32 = 1, ABS32 = 2, REL16 = 3, ABS16 = 4;

    void begin() {
        starts.add(len);
    }

    /**
     * The start of an item: forward labels are bound only here, so a branch never lands between
     * an instruction and the MOVs that set up its operands. A label with a rel8 reference is bound
     * early enough for the next item (at most ~40 bytes) to stay in reach.
     */
    void itemBoundary() {
        int pos = len;
        for (int i = pending.size() - 1; i >= 0; i--) {
            Label l = pending.get(i);
            if (l.countdown > 0 && --l.countdown == 0 || l.hasRel8 && pos - l.firstRef > 70) {
                pending.remove(i);
                bind(l);
            }
        }
    }

    void b(int... bytes) {
        for (int v : bytes) {
            if (len == buf.length) buf = Arrays.copyOf(buf, len * 2);
            buf[len++] = (byte) v;
        }
    }

    void b(byte[] bytes) {
        for (byte v : bytes) b(v & 0xFF);
    }

    void d16(int v) {
        b(v & 0xFF, (v >>> 8) & 0xFF);
    }

    void d32(int v) {
        b(v & 0xFF, (v >>> 8) & 0xFF, (v >>> 16) & 0xFF, v >>> 24);
    }

    Label label() {
        return new Label();
    }

    /** A label bound before the {@code k}-th item from now (k ≥ 1). */
    Label ahead(int k) {
        Label l = new Label();
        l.countdown = k;
        pending.add(l);
        return l;
    }

    /** Emits a reference of {@code kind} to {@code l}; {@code end} = where the instruction ends (for relative kinds, known after). */
    void ref(Label l, int kind, int size) {
        int pos = len;
        for (int i = 0; i < size; i++) b(0);
        if (l.at >= 0) patch(l.at, new int[] {pos, kind, -1});
        else {
            l.refs.add(new int[] {pos, kind, -1});
            if (kind == REL8) {
                l.hasRel8 = true;
                l.firstRef = Math.min(l.firstRef, pos);
            }
        }
    }

    /** The instruction holding the last references ends here (relative branches count from it). */
    void endRefs(Label l) {
        for (int[] r : l.refs) if (r[2] < 0) r[2] = len;
        if (l.at >= 0) throw new IllegalStateException("backward references are patched by backRel");
    }

    void bind(Label l) {
        bindAt(l, len);
    }

    void bindAt(Label l, int at) {
        l.at = at;
        for (int[] r : l.refs) patch(at, r);
        l.refs.clear();
        pending.remove(l);
    }

    void patch(int at, int[] r) {
        int pos = r[0];
        switch (r[1]) {
            case REL8: {
                int d = at - r[2];
                if (d < -128 || d > 127) throw new IllegalStateException("rel8 out of range: " + d);
                buf[pos] = (byte) d;
                break;
            }
            case REL16: {
                int d = at - r[2];
                buf[pos] = (byte) d;
                buf[pos + 1] = (byte) (d >> 8);
                break;
            }
            case REL32: {
                int d = at - r[2];
                for (int i = 0; i < 4; i++) buf[pos + i] = (byte) (d >> (8 * i));
                break;
            }
            case ABS16: {
                int a = origin + at;
                buf[pos] = (byte) a;
                buf[pos + 1] = (byte) (a >> 8);
                break;
            }
            default: {
                int a = origin + at;
                for (int i = 0; i < 4; i++) buf[pos + i] = (byte) (a >> (8 * i));
            }
        }
    }

    /** Binds every pending label here: constructs (loops, subroutines) are not jumped into or out of. */
    void barrier() {
        bindAll(len);
    }

    void bindAll(int at) {
        for (Label l : new ArrayList<>(pending)) bindAt(l, at);
        pending.clear();
    }

    // ------------------------------------------------------------------ random helpers

    int n(int bound) {
        return rnd.nextInt(bound);
    }

    boolean one(int in) {
        return rnd.nextInt(in) == 0;
    }

    /** A general register that may be written: any but ESP. */
    int dst() {
        int r = n(7);
        return r >= 4 ? r + 1 : r;
    }

    /** A register that address() must not use (it holds an operand set up before). */
    int avoid = -1;

    int addressReg() {
        int r;
        do r = dst(); while (r == avoid);
        return r;
    }

    int any() {
        return n(8);
    }

    int rndInt() {
        switch (n(6)) {
            case 0: return n(256);
            case 1: return -1 - n(4);
            case 2: return 0x80000000 + n(3) - 1;
            case 3: return n(33);
            default: return rnd.nextInt();
        }
    }

    /** MOV r32, imm32 (B8+r) as its own instruction. */
    void movImm(int r, int v) {
        begin();
        b(0xB8 + r);
        d32(v);
    }

    /** A linear address for a memory operand of {@code size} bytes. */
    int target(int size) {
        int r = n(100);
        int here = origin + len;
        if (r < 58) return DATA + n(DATA_SIZE - size + 1);
        if (r < 64) return DATA + 0xFF8 + n(16);                                  // across the two data pages
        if (r < 70) return here + 4 + n(100);                                     // own code, ahead
        if (r < 72) return Math.max(origin, here - n(64));                        // own code, behind (loops see it)
        if (r < 75) return one(3) ? READ_ONLY - 2 - n(3) : READ_ONLY + n(0x1000 - size); // read-only page (or across into it)
        if (r < 78) return SUPERVISOR + n(0x1000 - size);
        if (r < 81) return NOT_PRESENT + n(0x1000 - size);
        if (r < 83) return UNMAPPED + n(0x1000);
        if (r < 85) return one(2) ? RAM_SIZE + n(0x10000) : -1 - n(0x2000);      // past RAM, top of the address space
        if (r < 88) return (cfg.ring3() ? USER_STACK : KERNEL_STACK) - 0x40 + n(0x60); // the stack
        if (r < 89) return 0x10000 - 2 + n(4);                                    // across 64 KiB (SS limit)
        return DATA + 0x1000 + n(0x1000 - size);
    }

    // ------------------------------------------------------------------ instructions with operands

    /** Prefixes and operand description of one instruction with a ModRM byte. */
    final class Ins {
        boolean o16, a16, lock;
        int seg = -1, rep;
        /** ModRM reg field. */
        int reg;
        /** Register operand (rm) or -1 for memory. */
        int rm = -1;
        int target;
        /** Address bytes (ModRM included) once computed. */
        byte[] addr;
    }

    Ins ins() {
        Ins i = new Ins();
        i.o16 = one(7);
        i.a16 = one(12);
        if (one(7)) i.seg = new int[] {0x26, 0x2E, 0x36, 0x3E, 0x64, 0x65}[n(6)];
        i.lock = one(25);
        if (one(30)) i.rep = one(2) ? 0xF2 : 0xF3;
        return i;
    }

    /** Chooses a register or a memory operand (memory with probability 1/2). */
    Ins operand(Ins i, int reg, boolean rmWritten, int size) {
        i.reg = reg;
        if (one(2)) {
            i.rm = rmWritten && size != 1 ? dst() : any();
        } else {
            i.rm = -1;
            i.target = target(size);
            i.addr = address(reg, i.target, i.a16);
        }
        return i;
    }

    Ins memOperand(Ins i, int reg, int size) {
        i.reg = reg;
        i.rm = -1;
        i.target = target(size);
        i.addr = address(reg, i.target, i.a16);
        return i;
    }

    Ins regOperand(Ins i, int reg, int rm) {
        i.reg = reg;
        i.rm = rm;
        return i;
    }

    /** Emits the prefixes, opcode bytes and ModRM/address of {@code i} (begin() included). */
    void emit(Ins i, int... opcode) {
        begin();
        prefixes(i);
        b(opcode);
        if (i.rm >= 0) b(0xC0 | i.reg << 3 | i.rm);
        else b(i.addr);
    }

    void prefixes(Ins i) {
        List<Integer> p = new ArrayList<>();
        if (i.o16) p.add(0x66);
        if (i.a16) p.add(0x67);
        if (i.seg >= 0) p.add(i.seg);
        if (i.lock) p.add(0xF0);
        if (i.rep != 0) p.add(i.rep);
        for (int k = p.size() - 1; k > 0; k--) { // prefix order does not matter: shuffle it
            int j = n(k + 1);
            int t = p.get(k);
            p.set(k, p.get(j));
            p.set(j, t);
        }
        for (int v : p) b(v);
    }

    /**
     * Emits MOVs that make the registers point at {@code target} and returns the ModRM (reg field
     * {@code reg}), SIB and displacement bytes that address it.
     */
    byte[] address(int reg, int target, boolean a16) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        if (a16) {
            int off = target & 0xFFFF;
            int form = n(8), mod = n(3);
            if (form == 6 && mod == 0) {
                out.write(reg << 3 | 6);
                out.write(off);
                out.write(off >> 8);
                return out.toByteArray();
            }
            int disp = mod == 0 ? 0 : mod == 1 ? (byte) n(256) : n(0x10000);
            int[][] regsOf = {{Cpu.EBX, Cpu.ESI}, {Cpu.EBX, Cpu.EDI}, {Cpu.EBP, Cpu.ESI}, {Cpu.EBP, Cpu.EDI},
                    {Cpu.ESI}, {Cpu.EDI}, {Cpu.EBP}, {Cpu.EBX}};
            int[] rs = regsOf[form];
            int rest = off - disp;
            if (rs.length == 2) {
                int first = n(0x10000);
                movImm(rs[0], (rnd.nextInt() & 0xFFFF0000) | first);
                movImm(rs[1], (rnd.nextInt() & 0xFFFF0000) | ((rest - first) & 0xFFFF));
            } else {
                movImm(rs[0], (rnd.nextInt() & 0xFFFF0000) | (rest & 0xFFFF));
            }
            out.write(mod << 6 | reg << 3 | form);
            if (mod == 1) out.write(disp);
            else if (mod == 2) {
                out.write(disp);
                out.write(disp >> 8);
            }
            return out.toByteArray();
        }
        int kind = n(10);
        if (kind == 0) { // [disp32]
            out.write(reg << 3 | 5);
            le32(out, target);
            return out.toByteArray();
        }
        int mod = 1 + n(2), disp = mod == 1 ? (byte) n(256) : (one(2) ? n(0x1000) - 0x800 : rnd.nextInt());
        if (kind < 5) { // [base + disp] or [base]
            int base = addressReg();
            if (base != Cpu.EBP && one(3)) {
                mod = 0;
                disp = 0;
            }
            movImm(base, target - disp);
            out.write(mod << 6 | reg << 3 | base);
        } else if (kind < 9) { // [base + index*scale + disp]
            int base = addressReg(), index = addressReg(), scale = n(4);
            if (index == base) {
                int v = n(64);
                disp = target - v - (v << scale);
                mod = 2;
                movImm(base, v);
            } else {
                int iv = one(4) ? -n(16) : n(64);
                movImm(index, iv);
                movImm(base, target - disp - (iv << scale));
            }
            out.write(mod << 6 | reg << 3 | 4);
            out.write(scale << 6 | index << 3 | base);
        } else { // [index*scale + disp32], no base
            int index = addressReg(), scale = n(4);
            int iv = n(64);
            movImm(index, iv);
            out.write(reg << 3 | 4);
            out.write(scale << 6 | index << 3 | 5);
            le32(out, target - (iv << scale));
            return out.toByteArray();
        }
        if (mod == 1) out.write(disp);
        else if (mod == 2) le32(out, disp);
        return out.toByteArray();
    }

    static void le32(java.io.ByteArrayOutputStream out, int v) {
        for (int i = 0; i < 4; i++) out.write(v >>> (8 * i));
    }

    void imm(Ins i, int bytes) {
        if (bytes == 1) b(n(256));
        else if (bytes == 2) d16(rndInt());
        else d32(rndInt());
    }

    /** Immediate of an operand-size-dependent (Iz) form. */
    void immZ(Ins i) {
        imm(i, i.o16 ? 2 : 4);
    }

    int stringTarget(int size, int count, boolean down) {
        if (one(5)) return target(size);
        int span = size * Math.min(count, 0x100);
        return down ? DATA + span + n(DATA_SIZE - span - size) : DATA + n(DATA_SIZE - span - size);
    }

}
