package dev.kerf.emulator.cpu;

import dev.kerf.emulator.cpu.decode.OpcodeTable;
import java.util.Arrays;
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
 *
 * <p>Three classes: {@link ProgramAssembler} (emission, labels, operands), {@link SystemItems}
 * (system-level items) and this one (the general instructions and the program's frame). The item
 * methods are flat switches with one case per encoding form, on purpose: each case reads as the
 * bytes it emits.
 */
final class RandomPrograms extends SystemItems {
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

    private RandomPrograms(SplittableRandom rnd, Config cfg, int origin) {
        super(rnd, cfg, origin);
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

    // ------------------------------------------------------------------ the items

    @Override
    void item() {
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
        else if (k < 86) { if (!inLoop()) loop(); else alu(); }
        else if (k < 88) farTransfers();
        else if (k < 90) { if (cfg.ring3() || one(3)) paging(); else pageEnd(); }
        else if (k < 93) selfModifying();
        else if (k < 96) mulDiv();
        else bcdAndConvert();
    }

    @Override
    void alu() {
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

    void group1() {
        int op = 0x80 + n(4);
        Ins i = ins();
        int sub = n(8);
        if (sub != 7 && one(3)) i.lock = true;
        operand(i, sub, sub != 7, op == 0x81 || op == 0x83 ? 4 : 1);
        emit(i, op);
        if (op == 0x81) immZ(i);
        else b(n(256));
    }

    void shift() {
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

    void group3() {
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

    void mulDiv() {
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

    void incDec() {
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

    void moves() {
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

    void stack() {
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

    void strings() {
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

    /** Forward Jcc rel8/rel32, JMP rel8/rel32, LOOPcc/JECXZ, JMP r/m. */
    void branch() {
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
    void call() {
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
    void twoByteAlu() {
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
    void bits() {
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

    /** x87: memory and register forms of D8-DF, FWAIT, FNINIT now and then. */
    void x87() {
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
    void flags() {
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

    /** HLT, CPUID, RDTSC, hint NOPs, CBW/CWD, long instructions, redundant prefixes. */
    void misc() {
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

    void bcdAndConvert() {
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

}
