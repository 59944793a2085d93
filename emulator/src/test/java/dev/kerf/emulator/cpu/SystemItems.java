package dev.kerf.emulator.cpu;

import static dev.kerf.emulator.cpu.RandomPrograms.*;

import dev.kerf.emulator.cpu.decode.OpcodeTable;
import java.util.SplittableRandom;

/**
 * The system-level items of {@link RandomPrograms}: segment register loads, software interrupts
 * and BOUND, system instructions, port I/O, invalid opcodes, bounded loops, far transfers and
 * IRET, page-table edits, writes to the code through an alias page, the page-end trampoline and
 * stores into the code just ahead.
 */
abstract class SystemItems extends ProgramAssembler {
    private int loopDepth;

    SystemItems(SplittableRandom rnd, Config cfg, int origin) {
        super(rnd, cfg, origin);
    }

    /** A random ALU instruction (the filler of the constructs' bodies). */
    abstract void alu();

    /** True inside a loop body (loops do not nest). */
    boolean inLoop() {
        return loopDepth != 0;
    }

    static final int[] DATA_SELECTORS_RING0 = {0x10, 0x10, 0x10, 0x23, 0x33, 0x3B, 0x43, 0x4B, 0x53, 0x63, 0x6B, 0x73, 0x0F, 0, 3, 0x1234, 0x28, 0x08};
    static final int[] DATA_SELECTORS_RING3 = {0x23, 0x23, 0x23, 0x33, 0x3B, 0x4B, 0x53, 0x63, 0x6B, 0x73, 0x0F, 0, 3, 0x10, 0x1234, 0x28, 0x1B};

    int dataSelector() {
        int[] s = cfg.ring3() ? DATA_SELECTORS_RING3 : DATA_SELECTORS_RING0;
        return s[n(s.length)];
    }

    int stackSelector() {
        if (one(8)) return dataSelector();
        return cfg.ring3() ? new int[] {0x23, 0x4B, 0x0F}[n(3)] : new int[] {0x10, 0x43 & ~3, 0x40}[n(3)];
    }

    /** Segment register loads and stores: MOV Sreg, PUSH/POP Sreg, LDS LES LFS LGS LSS. */
    void segments() {
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


    /** INT3, INT n, INTO (with OF set by an overflowing ADD first, sometimes), BOUND. */
    void interrupts() {
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


    static final int[] ANY_SELECTORS = {0, 0x08, 0x10, 0x1B, 0x23, 0x28, 0x2B, 0x33, 0x3B, 0x43, 0x48, 0x53, 0x58,
            0x63, 0x6B, 0x73, 0x78, 0x0F, 0x0C, 0x1234, 0xFFFF};

    /** System instructions: privileged ones act at ring 0 and raise #GP at ring 3. */
    void system() {
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
    void io() {
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
    void invalid() {
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
    void loop() {
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

    /**
     * Stores the far pointer cs:target (m16:32, the selector sometimes another one) in the data
     * area and emits FF with {@code modrm} (0x1D CALL FAR, 0x2D JMP FAR) through it.
     */
    private void throughFarPointer(Label target, int cs, int modrm) {
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
        b(0xFF, modrm);
        d32(t);
    }

    /** Far JMP/CALL (direct and through memory) to the current code segment, RETF [imm16], IRET. */
    void farTransfers() {
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
                throughFarPointer(target, cs, 0x1D);
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
            throughFarPointer(target, cs, 0x2D);
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
    void paging() {
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
    void codeAlias() {
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
    void pageEnd() {
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
    void selfModifying() {
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
