package dev.kerf.emulator.cpu;

import dev.kerf.emulator.cpu.decode.OpcodeTable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Random i386 programs for {@link EngineEquivalenceTest}: every opcode the interpreter accepts
 * (one-byte and {@code 0F xx} maps), with operand/address-size and segment prefixes, LOCK where it
 * is valid and where it is not, invalid opcodes, faults of every kind the machine of
 * {@link EquivalenceMachine} can raise, self-modifying stores, software interrupts and system
 * instructions (at ring 0 they act; at ring 3 they fault).
 *
 * <p>Control flow: every branch goes forward to an instruction boundary, except the back edge of
 * a bounded loop whose counter lives in a page no random store touches, so every program ends
 * (at its end sequence: {@code cli; hlt} at ring 0, {@code int 0x7f} at ring 3) unless a random
 * store rewrites it; the run loop's icount limit bounds that case too. Memory operands get their
 * base and index registers set by MOV instructions just before them, pointing into the data area
 * mostly, sometimes into a read-only, supervisor, not-present or unmapped page, past the end of
 * RAM, onto the stack, or into the program's own code (ahead of, on, or behind the store). At
 * ring 0 programs also edit page table entries (then INVLPG or reload CR3), write the code ahead
 * through a data page mapped onto it, toggle CR0 bits (PG included) and call a trampoline whose
 * last instruction runs into an unmapped page (a fetch #PF in the middle of an instruction).
 *
 * <p>{@link Program#starts()} lists every instruction's offset; the machine stores the length of
 * each in a table its exception handlers use to resume after a faulting instruction.
 */
final class RandomPrograms {
    /** Where programs may start (the code area spans three pages from here). */
    static final int CODE_AREA = 0x6000, CODE_AREA_SIZE = 0x3000;
    static final int DATA = 0x9000, DATA_SIZE = 0x2000;
    static final int READ_ONLY = 0xB000, SUPERVISOR = 0xC000, NOT_PRESENT = 0xD000;
    /** Loop counters (a user page only the loops' own instructions write). */
    static final int COUNTERS = 0xF000;
    /** RAM that no page table entry maps (present without paging). */
    static final int UNMAPPED = 0x13000;
    static final int RAM_SIZE = 0x14000;
    static final int KERNEL_STACK = 0x5C00, USER_STACK = 0xE800;
    static final int PAGE_TABLE = 0x2000;
    /** Longest program (bytes), so that the program and its end fit the code area. */
    private static final int MAX_BYTES = 0x1A00;

    /** The machine configuration a program runs in. */
    record Config(boolean paging, boolean ring3, boolean interruptsOn, boolean limitedStack, boolean numericError,
                  int irqVector) {
        @Override
        public String toString() {
            return String.format("paging=%s ring=%d IF=%d SS=%s CR0.NE=%d irq vector=0x%x", paging ? "on" : "off",
                    ring3 ? 3 : 0, interruptsOn ? 1 : 0, limitedStack ? "limited" : "flat", numericError ? 1 : 0, irqVector);
        }
    }

    /**
     * One program: its bytes (loaded at {@code origin}), the offset of every instruction, the
     * offset of the end sequence, the icounts at which the test raises INTR, and the initial
     * general registers and EFLAGS.
     */
    record Program(long seed, Config config, int origin, byte[] code, int[] starts, int end, long[] irqAt,
                   int[] regs, int eflags) {
        /** This program cut after its first {@code n} instructions: the rest becomes NOPs, then the same end. */
        Program prefix(int n) {
            byte[] c = code.clone();
            int body = instructions();
            int from = n < body ? starts[n] : end;
            Arrays.fill(c, from, end, (byte) 0x90);
            int tail = starts.length - body;
            int[] s = new int[Math.min(n, body) + (end - from) + tail];
            System.arraycopy(starts, 0, s, 0, Math.min(n, body));
            for (int i = 0; i < end - from; i++) s[Math.min(n, body) + i] = from + i;
            System.arraycopy(starts, body, s, s.length - tail, tail);
            return new Program(seed, config, origin, c, s, end, irqAt, regs, eflags);
        }

        /** Number of instructions before the end sequence. */
        int instructions() {
            int n = 0;
            while (n < starts.length && starts[n] < end) n++;
            return n;
        }
    }

    private final SplittableRandom rnd;
    private final Config cfg;
    private final int origin;
    private byte[] buf = new byte[0x2000];
    private int len;
    private final List<Integer> starts = new ArrayList<>();
    private final List<Label> pending = new ArrayList<>();
    private int loopDepth;
    /** The end sequence (bound last). */
    private final Label endLabel = new Label();

    private RandomPrograms(SplittableRandom rnd, Config cfg, int origin) {
        this.rnd = rnd;
        this.cfg = cfg;
        this.origin = origin;
    }

    /** The program of {@code seed} in configuration {@code cfg}, of about {@code items} random items. */
    static Program generate(long seed, Config cfg, int items) {
        SplittableRandom rnd = new SplittableRandom(seed);
        int origin = CODE_AREA + rnd.nextInt(0x1000);
        RandomPrograms g = new RandomPrograms(rnd, cfg, origin);
        for (int i = 0; i < items && g.len < MAX_BYTES - 0x100; i++) g.item();
        int end = g.len;
        g.bindAll(end);
        g.bindAt(g.endLabel, end);
        // the end, and copies of it that a store into the end still reaches
        for (int i = 0; i < 64; i++) {
            g.begin();
            if (cfg.ring3()) g.b(0xCD, 0x7F);  // int 0x7f: its handler halts at ring 0
            else g.b(0xFA, 0xF4);              // cli; hlt
        }
        int[] regs = new int[8];
        for (int i = 0; i < 8; i++) regs[i] = rnd.nextInt(4) == 0 ? rnd.nextInt(256) : rnd.nextInt();
        regs[Cpu.ESP] = cfg.ring3() ? USER_STACK : KERNEL_STACK;
        int eflags = (rnd.nextInt() & (Flags.ARITH | Flags.DF)) | 2 | (cfg.interruptsOn() ? Flags.IF : 0);
        int irqs = rnd.nextInt(4);
        long[] irqAt = new long[irqs];
        for (int i = 0; i < irqs; i++) irqAt[i] = 1 + rnd.nextInt(250);
        Arrays.sort(irqAt);
        int[] s = g.starts.stream().mapToInt(Integer::intValue).toArray();
        return new Program(seed, cfg, origin, Arrays.copyOf(g.buf, g.len), s, end, irqAt, regs, eflags);
    }

    /** A configuration drawn from {@code seed}, with paging and ring as given. */
    static Config config(long seed, boolean paging, boolean ring3) {
        SplittableRandom r = new SplittableRandom(seed ^ 0x5DEECE66DL);
        int[] vectors = {0x40, 0x40, 0x40, 0x41, 0x22, 0x50};
        return new Config(paging, ring3, r.nextBoolean(), r.nextInt(3) == 0, r.nextBoolean(),
                vectors[r.nextInt(vectors.length)]);
    }

    // ------------------------------------------------------------------ coverage

    /**
     * Opcodes that appear as the first non-prefix byte of an instruction of {@code p}: indexes
     * 0..255 one-byte, 256..511 {@code 0F xx}.
     */
    static void coverage(Program p, boolean[] seen) {
        for (int s : p.starts()) {
            int i = s;
            while (i < p.code().length && (OpcodeTable.one(p.code()[i] & 0xFF) & OpcodeTable.PREFIX) != 0) i++;
            if (i >= p.code().length) continue;
            int op = p.code()[i] & 0xFF;
            if (op == 0x0F && i + 1 < p.code().length) seen[0x100 | (p.code()[i + 1] & 0xFF)] = true;
            else seen[op] = true;
        }
    }

    // ------------------------------------------------------------------ emission

    /** A forward (or, for loops, backward) branch target. */
    private final class Label {
        int at = -1;
        /** Bind at the start of the countdown-th instruction from now (0: bound explicitly). */
        int countdown;
        final List<int[]> refs = new ArrayList<>(); // {position, kind, end of instruction}
        boolean hasRel8;
        int firstRef = Integer.MAX_VALUE;
    }

    private static final int REL8 = 0, REL32 = 1, ABS32 = 2, REL16 = 3, ABS16 = 4;

    private void begin() {
        starts.add(len);
    }

    /**
     * The start of an item: forward labels are bound only here, so a branch never lands between
     * an instruction and the MOVs that set up its operands. A label with a rel8 reference is bound
     * early enough for the next item (at most ~40 bytes) to stay in reach.
     */
    private void itemBoundary() {
        int pos = len;
        for (int i = pending.size() - 1; i >= 0; i--) {
            Label l = pending.get(i);
            if (l.countdown > 0 && --l.countdown == 0 || l.hasRel8 && pos - l.firstRef > 70) {
                pending.remove(i);
                bind(l);
            }
        }
    }

    private void b(int... bytes) {
        for (int v : bytes) {
            if (len == buf.length) buf = Arrays.copyOf(buf, len * 2);
            buf[len++] = (byte) v;
        }
    }

    private void b(byte[] bytes) {
        for (byte v : bytes) b(v & 0xFF);
    }

    private void d16(int v) {
        b(v & 0xFF, (v >>> 8) & 0xFF);
    }

    private void d32(int v) {
        b(v & 0xFF, (v >>> 8) & 0xFF, (v >>> 16) & 0xFF, v >>> 24);
    }

    private Label label() {
        return new Label();
    }

    /** A label bound before the {@code k}-th item from now (k ≥ 1). */
    private Label ahead(int k) {
        Label l = new Label();
        l.countdown = k;
        pending.add(l);
        return l;
    }

    /** Emits a reference of {@code kind} to {@code l}; {@code end} = where the instruction ends (for relative kinds, known after). */
    private void ref(Label l, int kind, int size) {
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
    private void endRefs(Label l) {
        for (int[] r : l.refs) if (r[2] < 0) r[2] = len;
        if (l.at >= 0) throw new IllegalStateException("backward references are patched by backRel");
    }

    private void bind(Label l) {
        bindAt(l, len);
    }

    private void bindAt(Label l, int at) {
        l.at = at;
        for (int[] r : l.refs) patch(at, r);
        l.refs.clear();
        pending.remove(l);
    }

    private void patch(int at, int[] r) {
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
    private void barrier() {
        bindAll(len);
    }

    private void bindAll(int at) {
        for (Label l : new ArrayList<>(pending)) bindAt(l, at);
        pending.clear();
    }

    // ------------------------------------------------------------------ random helpers

    private int n(int bound) {
        return rnd.nextInt(bound);
    }

    private boolean one(int in) {
        return rnd.nextInt(in) == 0;
    }

    /** A general register that may be written: any but ESP. */
    private int dst() {
        int r = n(7);
        return r >= 4 ? r + 1 : r;
    }

    /** A register that address() must not use (it holds an operand set up before). */
    private int avoid = -1;

    private int addressReg() {
        int r;
        do r = dst(); while (r == avoid);
        return r;
    }

    private int any() {
        return n(8);
    }

    private int rndInt() {
        switch (n(6)) {
            case 0: return n(256);
            case 1: return -1 - n(4);
            case 2: return 0x80000000 + n(3) - 1;
            case 3: return n(33);
            default: return rnd.nextInt();
        }
    }

    /** MOV r32, imm32 (B8+r) as its own instruction. */
    private void movImm(int r, int v) {
        begin();
        b(0xB8 + r);
        d32(v);
    }

    /** A linear address for a memory operand of {@code size} bytes. */
    private int target(int size) {
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
    private final class Ins {
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

    private Ins ins() {
        Ins i = new Ins();
        i.o16 = one(7);
        i.a16 = one(12);
        if (one(7)) i.seg = new int[] {0x26, 0x2E, 0x36, 0x3E, 0x64, 0x65}[n(6)];
        i.lock = one(25);
        if (one(30)) i.rep = one(2) ? 0xF2 : 0xF3;
        return i;
    }

    /** Chooses a register or a memory operand (memory with probability 1/2). */
    private Ins operand(Ins i, int reg, boolean rmWritten, int size) {
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

    private Ins memOperand(Ins i, int reg, int size) {
        i.reg = reg;
        i.rm = -1;
        i.target = target(size);
        i.addr = address(reg, i.target, i.a16);
        return i;
    }

    private Ins regOperand(Ins i, int reg, int rm) {
        i.reg = reg;
        i.rm = rm;
        return i;
    }

    /** Emits the prefixes, opcode bytes and ModRM/address of {@code i} (begin() included). */
    private void emit(Ins i, int... opcode) {
        begin();
        prefixes(i);
        b(opcode);
        if (i.rm >= 0) b(0xC0 | i.reg << 3 | i.rm);
        else b(i.addr);
    }

    private void prefixes(Ins i) {
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
    private byte[] address(int reg, int target, boolean a16) {
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

    private static void le32(java.io.ByteArrayOutputStream out, int v) {
        for (int i = 0; i < 4; i++) out.write(v >>> (8 * i));
    }

    private void imm(Ins i, int bytes) {
        if (bytes == 1) b(n(256));
        else if (bytes == 2) d16(rndInt());
        else d32(rndInt());
    }

    /** Immediate of an operand-size-dependent (Iz) form. */
    private void immZ(Ins i) {
        imm(i, i.o16 ? 2 : 4);
    }

    // ------------------------------------------------------------------ the items

    /** One random item: an instruction with its set-up, or a small construct. */
    private void item() {
        itemBoundary();
        int k = n(100);
        if (k < 14) alu();
        else if (k < 20) group1();
        else if (k < 25) shift();
        else if (k < 29) group3();
        else if (k < 32) incDec();
        else if (k < 37) moves();
        else if (k < 40) stack();
        else if (k < 44) strings();
        else if (k < 50) branch();
        else if (k < 54) call();
        else if (k < 58) twoByteAlu();
        else if (k < 61) bits();
        else if (k < 64) segments();
        else if (k < 68) x87();
        else if (k < 71) flags();
        else if (k < 73) interrupts();
        else if (k < 75) misc();
        else if (k < 79) system();
        else if (k < 81) io();
        else if (k < 83) invalid();
        else if (k < 86) { if (loopDepth == 0) loop(); else alu(); }
        else if (k < 88) farTransfers();
        else if (k < 90) { if (cfg.ring3() || one(3)) paging(); else pageEnd(); }
        else if (k < 93) selfModifying();
        else if (k < 96) mulDiv();
        else bcdAndConvert();
    }

    private void alu() {
        int alu = n(8), form = n(6);
        int op = alu << 3 | form;
        Ins i = ins();
        if (form >= 4) {
            i.lock = one(40);
            i.addr = null;
            begin();
            prefixes(i);
            b(op);
            if (form == 4) b(n(256));
            else immZ(i);
            return;
        }
        boolean bytes = (form & 1) == 0;
        boolean rmWritten = form < 2 && alu != 7;
        int reg = form >= 2 && alu != 7 && !bytes ? dst() : any();
        if (form < 2 && alu != 7 && one(3)) i.lock = true;
        operand(i, reg, rmWritten, bytes ? 1 : 4);
        emit(i, op);
    }

    private void group1() {
        int op = 0x80 + n(4);
        Ins i = ins();
        int sub = n(8);
        if (sub != 7 && one(3)) i.lock = true;
        operand(i, sub, sub != 7, op == 0x81 || op == 0x83 ? 4 : 1);
        emit(i, op);
        if (op == 0x81) immZ(i);
        else b(n(256));
    }

    private void shift() {
        int op = new int[] {0xC0, 0xC1, 0xD0, 0xD1, 0xD2, 0xD3}[n(6)];
        Ins i = ins();
        if (op >= 0xD2 && one(2)) { // set CL
            begin();
            b(0xB1, one(3) ? n(256) : n(40));
        }
        operand(i, n(8), true, (op & 1) == 0 ? 1 : 4);
        emit(i, op);
        if (op < 0xD0) b(one(4) ? n(256) : n(34));
    }

    private void group3() {
        int op = 0xF6 + n(2);
        Ins i = ins();
        int sub = n(8);
        if ((sub == 2 || sub == 3) && one(3)) i.lock = true;
        operand(i, sub, sub == 2 || sub == 3, op == 0xF6 ? 1 : 4);
        emit(i, op);
        if (sub < 2) {
            if (op == 0xF6) b(n(256));
            else immZ(i);
        }
    }

    private void mulDiv() {
        // EDX:EAX set small or random, the divisor register or memory set too: quotient overflow,
        // division by zero and the ordinary case all happen
        Ins i = ins();
        i.lock = one(40);
        int sub = 4 + n(4);
        int op = 0xF6 + n(2);
        movImm(Cpu.EDX, one(2) ? n(4) : rndInt());
        movImm(Cpu.EAX, rndInt());
        if (one(2)) {
            int r = one(2) ? Cpu.ECX : Cpu.EBX;
            movImm(r, one(4) ? 0 : rndInt());
            regOperand(i, sub, r);
        } else {
            memOperand(i, sub, 4);
        }
        emit(i, op);
    }

    private void incDec() {
        int k = n(4);
        if (k == 0) {
            begin();
            b(0x40 + n(2) * 8 + dst());
        } else if (k == 1 && one(4)) { // inc esp; dec esp
            begin();
            b(0x44);
            begin();
            b(0x4C);
        } else {
            int op = 0xFE + n(2);
            Ins i = ins();
            int sub = one(12) ? 2 + n(6) : n(2); // FE /2../7 is #UD; FF /2.. handled by call()/stack()
            if (op == 0xFF && sub >= 2) sub = 7;
            if (one(3)) i.lock = true;
            operand(i, sub, true, op == 0xFE ? 1 : 4);
            emit(i, op);
        }
    }

    private void moves() {
        Ins i = ins();
        switch (n(12)) {
            case 0: case 1: case 2: { // 88-8B
                int op = 0x88 + n(4);
                boolean bytes = (op & 1) == 0;
                boolean toReg = op >= 0x8A;
                operand(i, toReg && !bytes ? dst() : any(), !toReg, bytes ? 1 : 4);
                emit(i, op);
                return;
            }
            case 3: { // C6/C7 (reg field ≠ 0 is #UD)
                int op = 0xC6 + n(2);
                operand(i, one(10) ? 1 + n(7) : 0, true, op == 0xC6 ? 1 : 4);
                emit(i, op);
                if (op == 0xC6) b(n(256));
                else immZ(i);
                return;
            }
            case 4: { // moffs
                int op = 0xA0 + n(4);
                int t = target(4);
                begin();
                prefixes(i);
                b(op);
                if (i.a16) d16(t);
                else d32(t);
                return;
            }
            case 5: { // LEA (register form #UD)
                if (one(15)) regOperand(i, dst(), any());
                else {
                    i.reg = dst();
                    i.rm = -1;
                    i.addr = address(i.reg, rnd.nextInt(), i.a16);
                }
                emit(i, 0x8D);
                return;
            }
            case 6: { // MOV r8, imm8 / r32, imm32
                begin();
                if (i.o16) b(0x66);
                if (one(2)) b(0xB0 + any(), n(256));
                else {
                    b(0xB8 + dst());
                    immZ(i);
                }
                return;
            }
            case 7: { // XCHG r/m, r (LOCK is implied, also allowed)
                int op = 0x86 + n(2);
                operand(i, op == 0x86 ? any() : dst(), true, op == 0x86 ? 1 : 4);
                emit(i, op);
                return;
            }
            case 8: { // XCHG eAX, r; NOP; xchg eax, esp twice
                begin();
                if (i.o16) b(0x66);
                if (one(6)) {
                    b(0x90);
                } else if (one(8)) {
                    b(0x94);
                    begin();
                    b(0x94);
                } else {
                    b(0x90 + dst());
                }
                return;
            }
            case 9: { // TEST
                int op = 0x84 + n(2);
                operand(i, any(), false, op == 0x84 ? 1 : 4);
                emit(i, op);
                return;
            }
            case 10: { // TEST acc, imm
                begin();
                prefixes(i);
                if (one(2)) b(0xA8, n(256));
                else {
                    b(0xA9);
                    immZ(i);
                }
                return;
            }
            default: { // XLAT
                movImm(Cpu.EAX, rnd.nextInt());
                int t = target(1);
                begin();
                b(0xB0, n(256)); // mov al, imm8
                movImm(Cpu.EBX, t - (buf[len - 1] & 0xFF));
                begin();
                if (i.seg >= 0) b(i.seg);
                if (i.a16) b(0x67);
                b(0xD7);
            }
        }
    }

    private void stack() {
        Ins i = ins();
        i.lock = one(40);
        i.a16 = false;
        switch (n(9)) {
            case 0: // push r; pop r
                begin();
                if (i.o16) b(0x66);
                b(0x50 + any());
                begin();
                if (i.o16) b(0x66);
                b(0x58 + dst());
                return;
            case 1: // push imm; pop
                begin();
                if (one(2)) {
                    b(0x6A, n(256));
                } else {
                    if (i.o16) b(0x66);
                    b(0x68);
                    immZ(i);
                }
                begin();
                b(0x58 + dst());
                return;
            case 2: // push r/m; pop r/m
                operand(i, 6, false, 4);
                emit(i, 0xFF);
                i = ins();
                i.lock = one(40);
                operand(i, one(10) ? 1 + n(7) : 0, true, 4);
                emit(i, 0x8F);
                return;
            case 3: // pusha; popa
                begin();
                if (i.o16) b(0x66);
                b(0x60);
                if (one(2)) alu();
                begin();
                if (i.o16) b(0x66);
                b(0x61);
                return;
            case 4: // push esp; pop esp
                begin();
                b(0x54);
                begin();
                b(0x5C);
                return;
            case 5: { // enter; ...; leave
                begin();
                b(0x89, 0xE5); // mov ebp, esp
                begin();
                if (i.o16) b(0x66);
                b(0xC8);
                d16(one(4) ? n(0x400) : n(64));
                b(one(3) ? n(8) : one(8) ? n(256) : 0);
                if (one(2)) alu();
                begin();
                if (i.o16) b(0x66);
                b(0xC9);
                return;
            }
            case 6: { // pushf; popf / push imm; popf
                begin();
                if (one(2)) {
                    if (i.o16) b(0x66);
                    b(0x9C);
                } else {
                    b(0x68);
                    int v = rnd.nextInt() & ~(Flags.TF | 0x4000); // TF and NT left alone
                    if (one(3)) v &= ~Flags.IF;
                    d32(v);
                }
                begin();
                if (i.o16 && one(2)) b(0x66);
                b(0x9D);
                return;
            }
            case 7: // bswap esp twice (ring 3 only: at ring 0 an interrupt in between would lose the stack)
                if (cfg.ring3()) {
                    begin();
                    b(0x0F, 0xCC);
                    begin();
                    b(0x0F, 0xCC);
                    begin();
                    b(0xBC);
                    d32(one(4) ? rnd.nextInt() : USER_STACK - n(64) * 4); // mov esp, imm32
                }
                return;
            default: { // mov [esp+d], r / read around the stack
                begin();
                b(one(2) ? 0x89 : 0x8B, 0x44 | dst() << 3, 0x24, n(32) * 4);
            }
        }
    }

    private void strings() {
        int[] ops = {0xA4, 0xA5, 0xA6, 0xA7, 0xAA, 0xAB, 0xAC, 0xAD, 0xAE, 0xAF};
        int op = ops[n(ops.length)];
        Ins i = ins();
        i.rep = n(3) == 0 ? 0 : one(3) ? 0xF2 : 0xF3;
        int size = (op & 1) == 0 ? 1 : i.o16 ? 2 : 4;
        int count = one(8) ? 20 + n(300) : n(9);
        boolean down = one(4);
        movImm(Cpu.ESI, stringTarget(size, count, down));
        movImm(Cpu.EDI, stringTarget(size, count, down));
        if (one(8)) movImm(Cpu.EAX, one(2) ? 0 : rnd.nextInt());
        movImm(Cpu.ECX, i.a16 ? (rnd.nextInt() & 0xFFFF0000) | count : count); // with a16, CX counts
        if (down) {
            begin();
            b(0xFD);
        }
        begin();
        prefixes(i);
        b(op);
        if (down) {
            begin();
            b(0xFC);
        }
    }

    private int stringTarget(int size, int count, boolean down) {
        if (one(5)) return target(size);
        int span = size * Math.min(count, 0x100);
        return down ? DATA + span + n(DATA_SIZE - span - size) : DATA + n(DATA_SIZE - span - size);
    }

    /** Forward Jcc rel8/rel32, JMP rel8/rel32, LOOPcc/JECXZ, JMP r/m. */
    private void branch() {
        int k = n(10);
        int skip = 1 + n(one(3) ? 8 : 3);
        Label l;
        if (k < 4) {
            begin();
            l = ahead(skip);
            if (one(12)) b(one(2) ? 0x2E : 0x3E); // branch hints
            b(0x70 + n(16));
            ref(l, REL8, 1);
            endRefs(l);
        } else if (k < 6) {
            begin();
            l = ahead(skip);
            b(0x0F, 0x80 + n(16));
            ref(l, REL32, 4);
            endRefs(l);
        } else if (k < 7) {
            begin();
            l = ahead(skip);
            if (one(2)) {
                b(0xEB);
                ref(l, REL8, 1);
            } else {
                b(0xE9);
                ref(l, REL32, 4);
            }
            endRefs(l);
        } else if (k < 9) {
            if (one(2)) movImm(Cpu.ECX, one(2) ? n(3) : rnd.nextInt());
            begin();
            l = ahead(skip);
            if (one(8)) b(0x67);
            b(0xE0 + n(4));
            ref(l, REL8, 1);
            endRefs(l);
        } else { // jmp r/m32 to a forward label
            if (one(2)) {
                int r = dst();
                begin();
                l = ahead(skip);
                b(0xB8 + r);
                ref(l, ABS32, 4);
                begin();
                b(0xFF, 0xE0 | r);
            } else {
                int t = DATA + n(DATA_SIZE - 4);
                begin();
                l = ahead(skip);
                b(0xC7, 0x05);
                d32(t);
                ref(l, ABS32, 4);
                begin();
                b(0xFF, 0x25);
                d32(t);
            }
        }
    }

    /** CALL rel32 / r/m32 (16-bit forms too) to a forward subroutine that returns with RET [imm16]. */
    private void call() {
        barrier();
        boolean o16 = one(10);
        int pop = one(4) ? 4 * (1 + n(3)) : 0;
        for (int p = 0; p < pop / 4; p++) {
            begin();
            b(0x50 + any());
        }
        Label sub = label(), after = label();
        int k = n(4);
        if (k == 0 || o16) {
            begin();
            if (o16) b(0x66);
            b(0xE8);
            if (o16) ref(sub, REL16, 2);
            else ref(sub, REL32, 4);
            endRefs(sub);
        } else if (k == 1) {
            int r = dst();
            begin();
            b(0xB8 + r);
            ref(sub, ABS32, 4);
            begin();
            b(0xFF, 0xD0 | r);
        } else {
            int t = DATA + n(DATA_SIZE - 4);
            begin();
            b(0xC7, 0x05);
            d32(t);
            ref(sub, ABS32, 4);
            begin();
            b(0xFF, 0x15);
            d32(t);
        }
        begin();
        b(0xEB);
        ref(after, REL8, 1);
        endRefs(after);
        bind(sub);
        int body = n(3);
        for (int j = 0; j < body; j++) alu();
        barrier();
        begin();
        if (o16) b(0x66);
        if (pop != 0 || one(6)) {
            b(0xC2);
            d16(pop);
        } else {
            b(0xC3);
        }
        bind(after);
    }

    /** CMOVcc, SETcc, IMUL r, r/m, MOVZX/MOVSX, BSF/BSR, XADD, CMPXCHG, CMPXCHG8B, SHLD/SHRD. */
    private void twoByteAlu() {
        Ins i = ins();
        switch (n(9)) {
            case 0: operand(i, dst(), false, 4); emit(i, 0x0F, 0x40 + n(16)); return;
            case 1: operand(i, n(8), true, 1); emit(i, 0x0F, 0x90 + n(16)); return;
            case 2:
                operand(i, dst(), false, 4);
                if (one(3)) emit(i, 0x0F, 0xAF);
                else if (one(2)) {
                    emit(i, 0x69);
                    immZ(i);
                } else {
                    emit(i, 0x6B);
                    b(n(256));
                }
                return;
            case 3: operand(i, dst(), false, 2); emit(i, 0x0F, new int[] {0xB6, 0xB7, 0xBE, 0xBF}[n(4)]); return;
            case 4:
                if (one(3)) movImm(Cpu.EBX, one(2) ? 0 : rndInt());
                operand(i, dst(), false, 4);
                emit(i, 0x0F, 0xBC + n(2));
                return;
            case 5: {
                int op = 0xC0 + n(2);
                if (one(2)) i.lock = true;
                operand(i, op == 0xC0 ? any() : dst(), true, op == 0xC0 ? 1 : 4);
                emit(i, 0x0F, op);
                return;
            }
            case 6: {
                int op = 0xB0 + n(2);
                if (one(2)) i.lock = true;
                if (one(2)) movImm(Cpu.EAX, rndInt());
                operand(i, op == 0xB0 ? any() : dst(), true, op == 0xB0 ? 1 : 4);
                emit(i, 0x0F, op);
                return;
            }
            case 7: { // CMPXCHG8B m64 (register form and reg field ≠ 1 are #UD)
                if (one(2)) i.lock = true;
                movImm(Cpu.EAX, rndInt());
                movImm(Cpu.EDX, rndInt());
                if (one(10)) regOperand(i, 1, any());
                else memOperand(i, one(10) ? n(8) : 1, 8);
                emit(i, 0x0F, 0xC7);
                return;
            }
            default: {
                int op = new int[] {0xA4, 0xA5, 0xAC, 0xAD}[n(4)];
                if ((op & 1) != 0 && one(2)) {
                    begin();
                    b(0xB1, n(40));
                }
                operand(i, any(), true, 4);
                emit(i, 0x0F, op);
                if ((op & 1) == 0) b(n(40));
            }
        }
    }

    /** BT BTS BTR BTC (register and immediate bit offsets) and BSWAP. */
    private void bits() {
        Ins i = ins();
        int k = n(3);
        if (k == 0) {
            int op = new int[] {0xA3, 0xAB, 0xB3, 0xBB}[n(4)];
            int r = dst();
            if (op != 0xA3 && one(3)) i.lock = true;
            if (one(2)) {
                movImm(r, n(512) - 128); // bit offset: stays near the operand
                avoid = r;
                memOperand(i, r, 4);
                avoid = -1;
            } else {
                if (one(2)) movImm(r, rndInt());
                regOperand(i, r, dst());
            }
            emit(i, 0x0F, op);
        } else if (k == 1) {
            int sub = one(10) ? n(4) : 4 + n(4);
            if (sub > 4 && one(3)) i.lock = true;
            operand(i, sub, true, 4);
            emit(i, 0x0F, 0xBA);
            b(n(256));
        } else {
            begin();
            if (i.o16) b(0x66);
            b(0x0F, 0xC8 + dst());
        }
    }

    private static final int[] DATA_SELECTORS_RING0 = {0x10, 0x10, 0x10, 0x23, 0x33, 0x3B, 0x43, 0x4B, 0x53, 0x63, 0x6B, 0x73, 0x0F, 0, 3, 0x1234, 0x28, 0x08};
    private static final int[] DATA_SELECTORS_RING3 = {0x23, 0x23, 0x23, 0x33, 0x3B, 0x4B, 0x53, 0x63, 0x6B, 0x73, 0x0F, 0, 3, 0x10, 0x1234, 0x28, 0x1B};

    private int dataSelector() {
        int[] s = cfg.ring3() ? DATA_SELECTORS_RING3 : DATA_SELECTORS_RING0;
        return s[n(s.length)];
    }

    private int stackSelector() {
        if (one(8)) return dataSelector();
        return cfg.ring3() ? new int[] {0x23, 0x4B, 0x0F}[n(3)] : new int[] {0x10, 0x43 & ~3, 0x40}[n(3)];
    }

    /** Segment register loads and stores: MOV Sreg, PUSH/POP Sreg, LDS LES LFS LGS LSS. */
    private void segments() {
        Ins i = ins();
        int k = n(6);
        if (k == 0) { // mov sreg, r/m16
            int s = one(12) ? 6 + n(2) : new int[] {Cpu.ES, Cpu.DS, Cpu.FS, Cpu.GS, Cpu.SS, Cpu.CS}[n(one(10) ? 6 : 5)];
            int sel = s == Cpu.SS ? stackSelector() : dataSelector();
            if (one(2)) {
                int r = dst();
                movImm(r, (rnd.nextInt() & 0xFFFF0000) | sel);
                regOperand(i, s, r);
            } else {
                memOperand(i, s, 2);
                begin(); // mov word [t], sel (stored just before)
                b(0x66, 0xC7, 0x05);
                d32(i.target);
                d16(sel);
                i.a16 = false;
                i.addr = new byte[] {(byte) (s << 3 | 5), (byte) i.target, (byte) (i.target >> 8), (byte) (i.target >> 16),
                        (byte) (i.target >> 24)};
            }
            emit(i, 0x8E);
        } else if (k == 1) { // mov r/m, sreg
            operand(i, one(12) ? 6 + n(2) : n(6), true, 2);
            emit(i, 0x8C);
        } else if (k == 2) { // push sreg; pop sreg
            int[][] push = {{0x06}, {0x0E}, {0x16}, {0x1E}, {0x0F, 0xA0}, {0x0F, 0xA8}};
            int[][] pop = {{0x07}, {0x17}, {0x1F}, {0x0F, 0xA1}, {0x0F, 0xA9}};
            int from = n(6);
            begin();
            if (i.o16) b(0x66);
            b(push[from]);
            int to = from == 2 ? 1 : new int[] {0, 2, 3, 4}[n(4)];
            begin();
            if (i.o16) b(0x66);
            b(pop[to]);
        } else if (k == 3) { // push imm sel; pop sreg
            int to = n(5);
            begin();
            b(0x6A, (to == 1 ? stackSelector() : dataSelector()) & 0xFF);
            begin();
            int[][] pop = {{0x07}, {0x17}, {0x1F}, {0x0F, 0xA1}, {0x0F, 0xA9}};
            b(pop[to]);
        } else { // far pointer loads
            int which = n(5); // LES LDS LSS LFS LGS
            int sel = which == 2 ? stackSelector() : dataSelector();
            int t = DATA + n(DATA_SIZE - 8);
            int off = which == 2 ? (cfg.ring3() ? USER_STACK : KERNEL_STACK) - n(16) * 4 : rnd.nextInt();
            begin();
            b(0xC7, 0x05);
            d32(t);
            d32(off);
            begin();
            b(0x66, 0xC7, 0x05);
            d32(t + (i.o16 ? 2 : 4));
            d16(sel);
            int reg = which == 2 ? Cpu.ESP : dst();
            i.seg = -1;
            if (one(12)) regOperand(i, reg, any());
            else {
                i.reg = reg;
                i.rm = -1;
                i.a16 = false;
                i.addr = new byte[] {(byte) (reg << 3 | 5), (byte) t, (byte) (t >> 8), (byte) (t >> 16), (byte) (t >> 24)};
            }
            if (which == 0) emit(i, 0xC4);
            else if (which == 1) emit(i, 0xC5);
            else emit(i, 0x0F, new int[] {0xB2, 0xB4, 0xB5}[which - 2]);
        }
    }

    /** x87: memory and register forms of D8-DF, FWAIT, FNINIT now and then. */
    private void x87() {
        if (one(6)) {
            begin();
            b(0xDB, 0xE3); // fninit
        }
        if (one(6)) {
            begin();
            b(0xD9, 0xE8 + n(7)); // fld1, fldl2t, ..., fldz
        }
        int op = 0xD8 + n(8);
        Ins i = ins();
        i.lock = one(40);
        i.rep = 0;
        if (one(2)) {
            memOperand(i, n(8), 108);
            emit(i, op);
        } else {
            begin();
            if (i.o16) b(0x66);
            b(op, 0xC0 + n(64));
        }
        if (one(8)) {
            begin();
            b(0x9B); // fwait
        }
    }

    /** CLC STC CMC CLD STD CLI STI, LAHF SAHF, PUSHF/POPF done in stack(). */
    private void flags() {
        int[] ops = {0xF5, 0xF8, 0xF9, 0xFA, 0xFB, 0xFC, 0xFD, 0x9E, 0x9F, 0x9B};
        int op = ops[n(ops.length)];
        if (op == 0x9E && one(2)) {
            begin();
            b(0xB4, n(256)); // mov ah, imm8
        }
        if (op == 0xFD) { // std; string-free instruction; cld
            begin();
            b(0xFD);
            alu();
            begin();
            b(0xFC);
            return;
        }
        begin();
        b(op);
    }

    /** INT3, INT n, INTO (with OF set by an overflowing ADD first, sometimes), BOUND. */
    private void interrupts() {
        int k = n(5);
        if (k == 0) {
            begin();
            b(0xCC);
        } else if (k == 1) {
            int[] v = {0x20, 0x21, 0x2F, 0x30, 0x40, 0x41, 0x50, 0x60, 0x03, 0x04, 0x05, 0x7E};
            begin();
            b(0xCD, v[n(v.length)]);
        } else if (k == 2) {
            if (one(2)) {
                movImm(Cpu.EAX, 0x7FFFFFFF);
                begin();
                b(0x83, 0xC0, 1 + n(2) - 1); // add eax, 0 or 1
            }
            begin();
            b(0xCE);
        } else {
            Ins i = ins();
            int r = dst();
            movImm(r, one(2) ? n(64) : rndInt());
            if (one(10)) regOperand(i, r, any());
            else memOperand(i, r, 8);
            emit(i, 0x62);
        }
    }

    /** HLT, CPUID, RDTSC, hint NOPs, CBW/CWD, long instructions, redundant prefixes. */
    private void misc() {
        switch (n(7)) {
            case 0:
                if (one(3)) {
                    begin();
                    b(0xF4);
                } else {
                    movImm(Cpu.EAX, new int[] {0, 1, 2, 0x80000000, 0x80000001}[n(5)]);
                    begin();
                    b(0x0F, 0xA2);
                }
                return;
            case 1:
                begin();
                b(0x0F, 0x31);
                return;
            case 2: { // hint NOPs 0F 19-1F with any operand (never accessed)
                Ins i = ins();
                int op = 0x19 + n(7);
                i.reg = op == 0x1F ? (one(8) ? n(8) : 0) : n(8);
                if (one(3)) i.rm = any();
                else {
                    i.rm = -1;
                    i.addr = address(i.reg, rnd.nextInt(), i.a16);
                }
                if (op == 0x1E && one(2)) {
                    begin();
                    b(0xF3, 0x0F, 0x1E, 0xFB); // endbr32
                    return;
                }
                emit(i, 0x0F, op);
                return;
            }
            case 3: { // more than 15 bytes: #GP
                begin();
                int pre = 12 + n(4);
                for (int j = 0; j < pre; j++) b(new int[] {0x3E, 0x66, 0x26, 0xF3}[n(4)]);
                b(0x81, 0xC0 + dst());
                d32(rnd.nextInt());
                return;
            }
            case 4: { // PAUSE and other F3/F2 on non-string instructions
                begin();
                b(one(2) ? 0xF3 : 0xF2, 0x90);
                return;
            }
            default: {
                begin();
                if (one(3)) b(0x66);
                b(0x98 + n(2));
            }
        }
    }

    private void bcdAndConvert() {
        if (one(3)) movImm(Cpu.EAX, rndInt());
        begin();
        switch (n(7)) {
            case 0: b(0x27); break;
            case 1: b(0x2F); break;
            case 2: b(0x37); break;
            case 3: b(0x3F); break;
            case 4: b(0xD4, one(5) ? 0 : one(2) ? 10 : n(256)); break;
            case 5: b(0xD5, one(2) ? 10 : n(256)); break;
            default: b(0x66, 0x99);
        }
    }

    private static final int[] ANY_SELECTORS = {0, 0x08, 0x10, 0x1B, 0x23, 0x28, 0x2B, 0x33, 0x3B, 0x43, 0x48, 0x53, 0x58,
            0x63, 0x6B, 0x73, 0x78, 0x0F, 0x0C, 0x1234, 0xFFFF};

    /** System instructions: privileged ones act at ring 0 and raise #GP at ring 3. */
    private void system() {
        Ins i = ins();
        i.lock = one(40);
        i.rep = 0;
        switch (n(12)) {
            case 0: { // SLDT STR (LLDT LTR: busy TSS, LDT, null, bad) VERR VERW
                int sub = one(10) ? 6 + n(2) : n(6);
                int r = dst();
                int sel = sub == 2 ? new int[] {0, 0x58, 0x28, 0x1234, 0x10}[n(5)] : ANY_SELECTORS[n(ANY_SELECTORS.length)];
                movImm(r, sel);
                if (sub >= 2 || one(2)) regOperand(i, sub, r);
                else operand(i, sub, true, 2);
                emit(i, 0x0F, 0x00);
                return;
            }
            case 1: { // SGDT/SIDT then LGDT/LIDT of what was stored
                boolean idt = one(2);
                memOperand(i, idt ? 1 : 0, 6);
                int t = i.target;
                boolean o16 = i.o16;
                emit(i, 0x0F, 0x01);
                Ins j = ins();
                j.o16 = o16;
                j.seg = -1;
                j.reg = idt ? 3 : 2;
                j.rm = -1;
                j.a16 = false;
                j.addr = new byte[] {(byte) (j.reg << 3 | 5), (byte) t, (byte) (t >> 8), (byte) (t >> 16), (byte) (t >> 24)};
                emit(j, 0x0F, 0x01);
                return;
            }
            case 2: { // SMSW, LMSW, INVLPG, group-7 #UD forms
                int sub = new int[] {4, 4, 6, 7, 7, 5, 0, 2}[n(8)];
                if (sub == 6) {
                    int r = dst();
                    movImm(r, 0x31 | (one(3) ? SystemOps.CR0_TS : 0) | (one(4) ? SystemOps.CR0_EM : 0)
                            | (one(2) ? SystemOps.CR0_MP : 0));
                    regOperand(i, 6, r);
                } else if (sub == 0 || sub == 2) {
                    regOperand(i, sub, any()); // register forms: #UD
                } else {
                    operand(i, sub, true, 2);
                }
                emit(i, 0x0F, 0x01);
                return;
            }
            case 3: { // LAR LSL
                int r = dst();
                movImm(r, ANY_SELECTORS[n(ANY_SELECTORS.length)]);
                regOperand(i, dst(), r);
                emit(i, 0x0F, 0x02 + n(2));
                return;
            }
            case 4: begin(); b(0x0F, new int[] {0x06, 0x08, 0x09}[n(3)]); return; // CLTS INVD WBINVD
            case 5: { // MOV r, CRn (CR1, CR5-7: #UD)
                int cr = one(10) ? new int[] {1, 5, 6, 7}[n(4)] : new int[] {0, 2, 3, 4}[n(4)];
                begin();
                b(0x0F, 0x20, 0xC0 | cr << 3 | dst());
                return;
            }
            case 6: { // MOV CR0/CR4 toggles, CR2/CR3 writes
                int k = n(4);
                if (k == 0) {
                    int bit = new int[] {SystemOps.CR0_WP, SystemOps.CR0_TS, SystemOps.CR0_EM, SystemOps.CR0_MP,
                            SystemOps.CR0_NE, SystemOps.CR0_AM, SystemOps.CR0_PG, SystemOps.CR0_NW, SystemOps.CR0_CD, 1}[n(10)];
                    begin();
                    b(0x0F, 0x20, 0xC0); // mov eax, cr0
                    begin();
                    b(0x35);
                    d32(bit); // xor eax, bit
                    begin();
                    b(0x0F, 0x22, 0xC0); // mov cr0, eax
                } else if (k == 1) {
                    movImm(Cpu.EAX, new int[] {0, SystemOps.CR4_PSE, SystemOps.CR4_PGE, SystemOps.CR4_TSD, 0x200, 1}[n(6)]);
                    begin();
                    b(0x0F, 0x22, 0xE0); // mov cr4, eax
                } else if (k == 2) {
                    int r = dst();
                    movImm(r, rnd.nextInt());
                    begin();
                    b(0x0F, 0x22, 0xD0 | r); // mov cr2, r
                } else {
                    int r = dst();
                    begin();
                    b(0x0F, 0x20, 0xD8 | r); // mov r, cr3
                    begin();
                    b(0x0F, 0x22, 0xD8 | r); // mov cr3, r: flushes the TLB
                }
                return;
            }
            case 7: { // MOV DRn
                int r = dst();
                if (one(2)) movImm(r, rnd.nextInt());
                begin();
                b(0x0F, one(2) ? 0x21 : 0x23, 0xC0 | n(8) << 3 | r);
                return;
            }
            case 8: // RDMSR WRMSR (#GP for every MSR)
                begin();
                b(0x0F, one(2) ? 0x30 : 0x32);
                return;
            case 9: // LMSW with a memory operand, SMSW r32
                operand(i, 4, true, 2);
                emit(i, 0x0F, 0x01);
                return;
            default: { // ARPL-free: LLDT back to the LDT (ring 0), STR into memory
                int r = dst();
                movImm(r, 0x58);
                regOperand(i, 2, r);
                emit(i, 0x0F, 0x00);
            }
        }
    }

    /** IN/OUT (imm8 and DX), INS/OUTS with and without REP. */
    private void io() {
        int k = n(3);
        int port = new int[] {0x80, 0x60, 0x3F8, 0xE9, 0x1234, 0xFFFF}[n(6)];
        if (k == 0) {
            begin();
            if (one(4)) b(0x66);
            b(0xE4 + n(4), port & 0xFF);
        } else if (k == 1) {
            movImm(Cpu.EDX, port);
            begin();
            if (one(4)) b(0x66);
            b(0xEC + n(4));
        } else {
            Ins i = ins();
            i.lock = one(40);
            i.rep = one(2) ? 0xF3 : 0;
            int count = n(5);
            movImm(Cpu.EDX, port);
            movImm(Cpu.ESI, stringTarget(4, count, false));
            movImm(Cpu.EDI, stringTarget(4, count, false));
            movImm(Cpu.ECX, count);
            begin();
            prefixes(i);
            b(0x6C + n(4));
        }
    }

    /** Invalid opcodes (#UD) followed by bytes the handler skips with them. */
    private void invalid() {
        begin();
        if (one(4)) b(0xF0); // LOCK on something that does not take it
        if (one(2)) {
            int op;
            do op = n(256); while ((OpcodeTable.one(op) & (OpcodeTable.VALID | OpcodeTable.PREFIX)) != 0 || op == 0x0F);
            b(op);
        } else {
            int op;
            do op = n(256); while ((OpcodeTable.two(op) & OpcodeTable.VALID) != 0);
            b(0x0F, op);
        }
        b(n(256), n(256));
    }

    /** A bounded loop: counter in the counters page, body of random items, back edge Jcc/LOOP-free. */
    private void loop() {
        barrier();
        loopDepth++;
        int counter = COUNTERS + 4 * n(64);
        begin();
        b(0x36, 0xC6, 0x05); // mov byte ss:[counter], n (a byte: a store into the code bounds the loop still)
        d32(counter);
        b(1 + n(4));
        int top = len;
        int body = 1 + n(4);
        for (int j = 0; j < body; j++) item();
        barrier();
        begin();
        b(0x36, 0xFE, 0x0D); // dec byte ss:[counter]
        d32(counter);
        begin();
        int k = n(3);
        int d;
        if (k == 0 && len + 2 - top <= 128) {
            b(0x75); // jnz rel8
            d = top - (len + 1);
            b(d);
        } else if (k == 1) {
            b(0x0F, 0x85); // jnz rel32
            d32(top - (len + 4));
        } else { // jz over a jmp rel32 back
            b(0x74, 5);
            begin();
            b(0xE9);
            d32(top - (len + 4));
        }
        loopDepth--;
    }

    /** Far JMP/CALL (direct and through memory) to the current code segment, RETF [imm16], IRET. */
    private void farTransfers() {
        barrier();
        int cs = cfg.ring3() ? 0x1B : 0x08;
        int k = n(6);
        boolean o16 = one(8);
        Label target = label();
        if (k == 0) { // jmp far cs:target
            begin();
            if (o16) b(0x66);
            b(0xEA);
            if (o16) ref(target, ABS16, 2); // code is below 64 KiB
            else ref(target, ABS32, 4);
            d16(one(10) ? ANY_SELECTORS[n(ANY_SELECTORS.length)] : cs);
            endRefs(target);
            if (one(2)) alu();
            bind(target);
        } else if (k == 1 || k == 2) { // call far (direct or m16:32), body, retf [imm16]
            Label after = label();
            int pop = one(3) ? 4 : 0;
            if (pop != 0) {
                begin();
                b(0x50 + any());
            }
            if (k == 1) {
                begin();
                b(0x9A);
                ref(target, ABS32, 4);
                d16(one(12) ? ANY_SELECTORS[n(ANY_SELECTORS.length)] : cs);
            } else {
                int t = DATA + n(DATA_SIZE - 6);
                begin();
                b(0xC7, 0x05);
                d32(t);
                ref(target, ABS32, 4);
                begin();
                b(0x66, 0xC7, 0x05);
                d32(t + 4);
                d16(one(12) ? ANY_SELECTORS[n(ANY_SELECTORS.length)] : cs);
                begin();
                b(0xFF, 0x1D);
                d32(t);
            }
            begin();
            b(0xEB);
            ref(after, REL8, 1);
            endRefs(after);
            bind(target);
            if (one(2)) alu();
            begin();
            if (pop != 0) {
                b(0xCA);
                d16(pop);
            } else {
                b(0xCB);
            }
            bind(after);
        } else if (k == 3) { // jmp far [m16:32]
            int t = DATA + n(DATA_SIZE - 6);
            begin();
            b(0xC7, 0x05);
            d32(t);
            ref(target, ABS32, 4);
            begin();
            b(0x66, 0xC7, 0x05);
            d32(t + 4);
            d16(one(12) ? ANY_SELECTORS[n(ANY_SELECTORS.length)] : cs);
            begin();
            b(0xFF, 0x2D);
            d32(t);
            if (one(2)) alu();
            bind(target);
        } else if (k == 4) { // push cs; push target; retf
            begin();
            b(0x0E);
            begin();
            b(0x68);
            ref(target, ABS32, 4);
            begin();
            b(0xCB);
            if (one(2)) alu();
            bind(target);
        } else { // pushf; push cs; push target; iret (16-bit frame too)
            begin();
            if (o16) b(0x66);
            b(0x9C);
            begin();
            if (o16) b(0x66);
            b(0x0E);
            begin();
            if (o16) {
                b(0x66, 0x68);
                ref(target, ABS16, 2);
            } else {
                b(0x68);
                ref(target, ABS32, 4);
            }
            begin();
            if (o16) b(0x66);
            b(0xCF);
            if (one(2)) alu();
            bind(target);
        }
    }

    /** Page-table edits (ring 0) followed by INVLPG or a CR3 reload, so the TLB is never stale. */
    private void paging() {
        if (one(3)) {
            codeAlias();
            return;
        }
        int page = new int[] {DATA, DATA + 0x1000, READ_ONLY, SUPERVISOR}[n(4)];
        int user = cfg.ring3() ? 4 : n(2) * 4;
        int pte = page | new int[] {3 | user, 1 | user, 0, 3, 1 | 4, 3 | 4}[n(6)];
        begin();
        b(0xC7, 0x05); // mov dword [pte address], value
        d32(PAGE_TABLE + (page >>> 12) * 4);
        d32(pte);
        if (one(3)) {
            begin();
            b(0x0F, 0x20, 0xD8); // mov eax, cr3
            begin();
            b(0x0F, 0x22, 0xD8); // mov cr3, eax
        } else {
            begin();
            b(0x0F, 0x01, 0x3D); // invlpg [page]
            d32(page + n(0x1000));
        }
    }

    /**
     * Maps the second data page onto the physical page of the code just ahead (ring 0 with paging)
     * and stores into the code through that alias: a store whose linear address is not the code's
     * must still be seen by the next fetches. Without paging the store lands in the data page.
     */
    private void codeAlias() {
        int code = origin + len + 30 + n(60);
        int alias = DATA + 0x1000;
        begin();
        b(0xC7, 0x05); // mov dword [pte of the alias page], code page | user, writable, present
        d32(PAGE_TABLE + (alias >>> 12) * 4);
        d32((code & 0xFFFFF000) | 7);
        begin();
        b(0x0F, 0x01, 0x3D); // invlpg [alias]
        d32(alias);
        int stores = 1 + n(2);
        for (int i = 0; i < stores; i++) {
            begin();
            b(0xC6, 0x05); // mov byte [alias + offset of the code ahead], imm8
            d32(alias + ((code + i * 3) & 0xFFF));
            b(new int[] {0x90, 0x40, 0x48, 0xF8, 0xF9, 0xCC, n(256)}[n(7)]);
        }
    }

    /**
     * Ring 0: calls the trampoline at the end of the last mapped page, whose last instruction
     * runs into the unmapped one: with paging on its fetch faults and the handler resumes here;
     * without paging it completes and returns here. Either way the resume pointer is put back to
     * the program's end afterwards.
     */
    private void pageEnd() {
        barrier();
        Label resume = label();
        begin();
        b(0x36, 0xC7, 0x05); // mov dword ss:[RESUME_POINTER], resume
        d32(EquivalenceMachine.RESUME_POINTER);
        ref(resume, ABS32, 4);
        movImm(Cpu.ECX, n(3)); // for the REP MOVSD the trampoline may hold
        movImm(Cpu.ESI, DATA + n(0x800));
        movImm(Cpu.EDI, DATA + 0x1000 + n(0x800));
        begin();
        b(0xE8); // call trampoline + k
        int target = EquivalenceMachine.TRAMPOLINE + n(8);
        d32(target - (origin + len + 4));
        bind(resume);
        begin();
        b(0x36, 0xC7, 0x05); // mov dword ss:[RESUME_POINTER], end
        d32(EquivalenceMachine.RESUME_POINTER);
        ref(endLabel, ABS32, 4);
    }

    /** Stores into the code just ahead: the next instructions must be fetched anew. */
    private void selfModifying() {
        // mov byte/dword [here + k], imm where the target lies in the next instructions; the new
        // bytes are a NOP, INC, or a random byte, so the change shows in the registers
        barrier();
        Label l = label();
        int r = new int[] {Cpu.EAX, Cpu.ECX, Cpu.EDX, Cpu.EBX, Cpu.ESI, Cpu.EDI}[n(6)];
        begin();
        b(0xB8 + r);
        ref(l, ABS32, 4);
        int k = n(3);
        begin();
        if (k == 0) b(0xC6, 0x00 | r, new int[] {0x90, 0x40, 0x48, 0xF8, 0xF9, n(256)}[n(6)]); // mov byte [r], imm8
        else if (k == 1) {
            b(0xC7, 0x00 | r);
            d32(one(2) ? 0x90909090 : rnd.nextInt());
        } else b(0x80, 0x30 | r, 1 << n(8)); // xor byte [r], bit
        int skip = n(3);
        for (int j = 0; j < skip; j++) {
            begin();
            b(0x90);
        }
        bind(l);
        begin();
        b(0x40 + dst()); // inc r: the byte that may change
        begin();
        b(0x90);
    }
}
