package dev.kerf.emulator.cpu;

import static dev.kerf.emulator.cpu.PmodeFixture.*;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.util.HexFormat;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The block translator against the interpreter: random programs made of the instructions blocks
 * specialise (and others they hand to the families) must leave the same registers, EFLAGS,
 * memory, EIP and icount whether blocks are made at the first visit of their start, after a few
 * visits (the interpreter running them until then), or not used at all; and a fault in the middle of a block is rewound and
 * delivered exactly as by the interpreter.
 */
class TranslatorTest {
    /** How a rig executes: the interpreter alone, blocks made after 3 visits of their start, blocks made on the first. */
    enum Mode { INTERPRETER, BLOCKS, COMPILED }

    private static final int BASE = CpuRig.DATA, CODE = 0x20000;

    @Test
    void randomProgramsGiveTheSameStateTranslatedAndInterpreted() {
        SplittableRandom rnd = new SplittableRandom(20261122);
        for (int program = 0; program < 300; program++) {
            byte[] code = randomProgram(rnd, 60);
            long seed = rnd.nextLong();
            CpuRig ref = rig(code, seed, Mode.INTERPRETER);
            assertThat(ref.run(10_000)).isEqualTo(CpuStop.HALTED);
            for (Mode mode : new Mode[] {Mode.BLOCKS, Mode.COMPILED}) {
                CpuRig t = rig(code, seed, mode);
                assertThat(t.run(10_000)).isEqualTo(CpuStop.HALTED);
                String what = mode + " program " + HexFormat.of().formatHex(code);
                assertThat(t.r).as(what).containsExactly(ref.r);
                assertThat(t.flags()).as(what).isEqualTo(ref.flags());
                assertThat(t.cpu.eip).as(what).isEqualTo(ref.cpu.eip);
                assertThat(t.cpu.icount).as(what).isEqualTo(ref.cpu.icount);
                for (int a = BASE - 0x100; a < BASE + 0x200; a += 4) {
                    assertThat(t.read32(a)).as(what + " memory at %x", a).isEqualTo(ref.read32(a));
                }
                if (mode == Mode.COMPILED) assertThat(t.cpu.translator.compiled).as(what).isPositive();
            }
        }
    }

    /** Compiles every block on its first run. */
    static void compileAtOnce(Cpu cpu) {
        cpu.translator.compileAfter = 1;
    }

    @Test
    void aPageFaultInsideABlockIsRewoundToTheFaultingInstruction() {
        PmodeFixture f = new PmodeFixture().defaultGates().paging();
        f.put(handler(Vectors.PF), 0xF4);                               // HLT
        // inc eax; inc eax; mov ebx, [0x500000] (not mapped); inc eax
        f.put(CODE, 0x40, 0x40, 0x8B, 0x1D, 0x00, 0x00, 0x50, 0x00, 0x40);
        Cpu cpu = f.cpu;
        compileAtOnce(cpu);
        cpu.eip = CODE;
        cpu.reg[Cpu.EAX] = 0;
        assertThat(cpu.run(1000)).isEqualTo(CpuStop.HALTED);
        assertThat(cpu.reg[Cpu.EAX]).isEqualTo(2);
        assertThat(cpu.cr2).isEqualTo(0x500000);
        assertThat(f.stack32(4)).as("EIP pushed by #PF").isEqualTo(CODE + 2);
        assertThat(cpu.reg[Cpu.ESP]).isEqualTo(KERNEL_STACK_TOP - 16);
        assertThat(cpu.icount).as("two INCs and the handler's HLT retired").isEqualTo(3);
    }

    @Test
    void aSegmentLimitFaultWhileDecodingAMemoryOperandIsRewound() {
        PmodeFixture f = new PmodeFixture().defaultGates();
        f.put(handler(Vectors.GP), 0xF4);
        SegmentLoader.load(f.cpu, Cpu.DS, SMALL_DATA);                  // limit 0xFFFF
        // inc eax; inc eax; mov ebx, [0x10000] (past the DS limit); inc eax
        f.put(CODE, 0x40, 0x40, 0x8B, 0x1D, 0x00, 0x00, 0x01, 0x00, 0x40);
        Cpu cpu = f.cpu;
        compileAtOnce(cpu);
        cpu.eip = CODE;
        cpu.reg[Cpu.EAX] = 0;
        assertThat(cpu.run(1000)).isEqualTo(CpuStop.HALTED);
        assertThat(cpu.reg[Cpu.EAX]).isEqualTo(2);
        assertThat(f.stack32(4)).as("EIP pushed by #GP").isEqualTo(CODE + 2);
        assertThat(cpu.icount).as("two INCs and the handler's HLT retired").isEqualTo(3);
    }

    @Test
    void aPushThatFaultsInsideABlockLeavesEspAsItWas() {
        PmodeFixture f = new PmodeFixture().defaultGates().paging();
        f.put(handler(Vectors.PF), 0xF4);
        // ring 3: mov esp, 0x8010 (a supervisor page); nop; push eax
        f.put(USER_CODE, 0xBC, 0x10, 0x80, 0x00, 0x00, 0x90, 0x50);
        f.ring3(USER_CODE, USER_STACK_TOP);
        Cpu cpu = f.cpu;
        compileAtOnce(cpu);
        assertThat(cpu.run(1000)).isEqualTo(CpuStop.HALTED);
        assertThat(cpu.cr2).isEqualTo(0x800C);
        assertThat(f.stack32(4)).as("EIP pushed by #PF: the PUSH").isEqualTo(USER_CODE + 6);
        assertThat(f.stack32(16)).as("user ESP pushed by #PF: not decremented").isEqualTo(0x8010);
        assertThat(cpu.icount).isEqualTo(3);
    }

    @Test
    void aBlockGoesOnPastAJccAndAJmpOnItsPageAndLoopsBackToItsStartFromTheMiddle() {
        // 0 top: add [ebx+8], eax; 3: inc eax; 4: cmp eax, 3000; 9: jae out (taken once, at the end);
        // 11: jmp over; 13: int3 (never runs); 14 over: dec ecx; 15: jnz top (a loop from the middle);
        // 17: inc esi; 18: cmp esi, 2; 21: jb top (a loop from the end); 23 out: hlt
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        emit(out, 0x01, 0x43, 0x08, 0x40, 0x3D);
        imm32(out, 3000);
        emit(out, 0x73, 23 - 11, 0xEB, 0x01, 0xCC, 0x49, 0x75, -17 & 0xFF, 0x46, 0x83, 0xFE, 0x02, 0x72, -23 & 0xFF, 0xF4);
        byte[] code = out.toByteArray();
        CpuRig ref = rig(code, 7, Mode.INTERPRETER);
        ref.r[Cpu.EAX] = 0;
        ref.r[Cpu.ECX] = 1000;
        ref.r[Cpu.ESI] = 0;
        assertThat(ref.run(100_000)).isEqualTo(CpuStop.HALTED);
        CpuRig t = rig(code, 7, Mode.COMPILED);
        t.r[Cpu.EAX] = 0;
        t.r[Cpu.ECX] = 1000;
        t.r[Cpu.ESI] = 0;
        Block first = t.cpu.translator.lookup();
        assertThat(first.length).as("add, inc, cmp, jae, jmp, dec, jnz, inc, cmp, jb: one block").isEqualTo(10);
        assertThat(t.run(100_000)).isEqualTo(CpuStop.HALTED);
        assertThat(t.r).containsExactly(ref.r);
        assertThat(t.flags()).isEqualTo(ref.flags());
        assertThat(t.cpu.icount).isEqualTo(ref.cpu.icount).isGreaterThan(2 * Emitter.LOOP_BUDGET);
        assertThat(t.read32(BASE + 8)).isEqualTo(ref.read32(BASE + 8));
        // the same stopped at every icount limit: side exits and loop rounds retire what the interpreter does
        for (long limit = 1; limit < 60; limit += 7) {
            CpuRig a = rig(code, 7, Mode.INTERPRETER), b = rig(code, 7, Mode.COMPILED);
            for (CpuRig x : new CpuRig[] {a, b}) {
                x.r[Cpu.EAX] = 2990;
                x.r[Cpu.ECX] = 1000;
                x.r[Cpu.ESI] = 0;
            }
            a.run(limit);
            b.run(limit);
            assertThat(b.cpu.icount).as("limit %d", limit).isEqualTo(a.cpu.icount);
            assertThat(b.cpu.eip).as("limit %d", limit).isEqualTo(a.cpu.eip);
            assertThat(b.r).as("limit %d", limit).containsExactly(a.r);
        }
    }

    @Test
    void aBlockTooBigForOneJvmMethodIsCompiledInPartsWithTheSameResult() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        SplittableRandom rnd = new SplittableRandom(5);
        // 63 read-modify-writes of memory (each with its slow paths: far more bytecode than 8,000 bytes), then HLT
        for (int i = 0; i < Translator.MAX_INSNS - 1; i++) {
            emit(out, new int[] {0x01, 0x29, 0x31, 0x11}[rnd.nextInt(4)], 0x83 | rnd.nextInt(8) << 3);
            imm32(out, rnd.nextInt(128) * 4);
        }
        emit(out, 0xF4);
        byte[] code = out.toByteArray();
        CpuRig ref = rig(code, 11, Mode.INTERPRETER);
        assertThat(ref.run(1000)).isEqualTo(CpuStop.HALTED);
        CpuRig t = rig(code, 11, Mode.COMPILED);
        assertThat(t.cpu.translator.lookup().length).isEqualTo(Translator.MAX_INSNS - 1);
        assertThat(t.run(1000)).isEqualTo(CpuStop.HALTED);
        assertThat(t.cpu.translator.compiled).as("the first part, then the rest as its own block").isGreaterThanOrEqualTo(2);
        assertThat(t.r).containsExactly(ref.r);
        assertThat(t.flags()).isEqualTo(ref.flags());
        assertThat(t.cpu.icount).isEqualTo(ref.cpu.icount);
        for (int a = BASE; a < BASE + 0x200; a += 4) assertThat(t.read32(a)).as("at %x", a).isEqualTo(ref.read32(a));
    }

    @Test
    void flagsAreLeftOutOnlyWhenTheNextFlagWriterComesBeforeAnythingThatCanSeeThem() {
        // add eax, ebx; imul ecx, edx; shr esi, 3; cmp eax, ecx; jne: add and imul are overwritten
        // at once (the shift keeps its flags, the compare's are read)
        assertThat(dead("01 d8 0f af ca c1 ee 03 39 c8 75 00", false)).containsExactly(true, true, false, false, false);
        // a memory read between may fault, and a fault pushes EFLAGS: the add's flags stay
        assertThat(dead("01 d8 8b 0b 39 c8 75 00", false)).containsExactly(false, false, false, false);
        // register moves and LEA (no access) see no flags
        assertThat(dead("01 d8 89 c1 8d 14 49 39 c8 75 00", false)).containsExactly(true, false, false, false, false);
        // ADC reads the carry
        assertThat(dead("01 d8 11 ca 39 c8 75 00", false)).containsExactly(false, false, false, false);
        // the last writer of a block leaves them for whoever comes next
        assertThat(dead("01 d8 29 c8", false)).containsExactly(true, false);
        // under hooks every instruction's flags are kept
        assertThat(dead("01 d8 0f af ca c1 ee 03 39 c8 75 00", true)).containsOnly(false);
    }

    @Test
    void aTraceIsCompiledOnlyUpToASideExitItsInterpretedRunsMostlyTook() {
        // inc eax; jz +0; inc ebx; jnz +0; inc ecx: two side exits
        String hex = "40 74 00 43 75 00 41";
        dev.kerf.emulator.cpu.decode.Decoded[] insns = decode(hex);
        Block b = new Block(CODE, 0, CODE, true, insns);
        assertThat(b.compiledLength()).as("no profile: all of it").isEqualTo(5);
        b.stepped = 10;
        b.exits = new int[5];
        b.exits[1] = 4; // 4 of 10 left at the jz: go on
        assertThat(b.compiledLength()).isEqualTo(5);
        b.exits[3] = 4; // 4 of the 6 that went on left at the jnz: the compiled form ends there
        assertThat(b.compiledLength()).isEqualTo(4);
        b.exits[1] = 6; // most left at the jz
        assertThat(b.compiledLength()).isEqualTo(2);
    }

    private static dev.kerf.emulator.cpu.decode.Decoded[] decode(String hex) {
        byte[] code = HexFormat.of().parseHex(hex.replace(" ", ""));
        java.util.List<dev.kerf.emulator.cpu.decode.Decoded> insns = new java.util.ArrayList<>();
        for (int at = 0; at < code.length; ) {
            dev.kerf.emulator.cpu.decode.Decoded d = dev.kerf.emulator.cpu.decode.Decoded.decode(code, at, code.length, true, CODE + at);
            insns.add(d);
            at += d.length();
        }
        return insns.toArray(new dev.kerf.emulator.cpu.decode.Decoded[0]);
    }

    private static boolean[] dead(String hex, boolean observed) {
        return Emitter.deadFlags(decode(hex), observed);
    }

    static CpuRig rig(byte[] code, long seed, Mode mode) {
        CpuRig rig = new CpuRig();
        rig.ram.load(CpuRig.CODE, code, 0, code.length);
        SplittableRandom values = new SplittableRandom(seed);
        for (int i = 0; i < 8; i++) rig.r[i] = values.nextInt();
        rig.r[Cpu.EBX] = BASE;
        rig.r[Cpu.ESP] = CpuRig.STACK;
        for (int a = BASE - 0x100; a < BASE + 0x200; a += 4) rig.ram.write32(a, values.nextInt());
        rig.cpu.setEflags(values.nextInt() & (Flags.ARITH));
        rig.cpu.setEngine(mode == Mode.INTERPRETER ? Cpu.Engine.INTERPRETER : Cpu.Engine.TRANSLATOR);
        rig.cpu.translator.compileAfter = mode == Mode.COMPILED ? 1 : 3;
        return rig;
    }

    /**
     * {@code n} instructions the fast paths handle, then HLT. EBX stays the data pointer and ESP
     * the stack pointer (neither is ever a destination), memory operands are [EBX+disp8] or
     * [EBX+reg*s+disp32] with small indexes; every Jcc skips one INC EDX so its outcome shows.
     */
    static byte[] randomProgram(SplittableRandom rnd, int n) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int[] alu = {0x01, 0x03, 0x09, 0x0B, 0x21, 0x23, 0x29, 0x2B, 0x31, 0x33, 0x39, 0x3B, 0x85, 0x11, 0x13, 0x19, 0x1B};
        for (int i = 0; i < n; i++) {
            int d = dest(rnd), s = rnd.nextInt(8);
            switch (rnd.nextInt(18)) {
                case 16: byteAndGroupForms(out, rnd, d); break;
                case 17: { // push imm / push r/m32 then pop; cdq; setcc r8
                    int k = rnd.nextInt(5);
                    if (k == 0) emit(out, 0x6A, rnd.nextInt(256), 0x58 | d);
                    else if (k == 1) { emit(out, 0x68); imm32(out, rnd.nextInt()); emit(out, 0x58 | d); }
                    else if (k == 2 && rnd.nextBoolean()) emit(out, 0xFF, 0xF0 | s, 0x58 | d);
                    else if (k == 2) emit(out, 0xFF, 0x73, rnd.nextInt(64) * 4, 0x58 | d);
                    else if (k == 3) emit(out, 0x99);
                    else emit(out, 0x0F, 0x90 | rnd.nextInt(16), 0xC0 | REGS8[rnd.nextInt(6)]);
                    break;
                }
                case 0: emit(out, alu[rnd.nextInt(alu.length)], 0xC0 | dest(rnd) << 3 | d); break;
                case 1: { // ALU with a memory source (or destination: generic path inside a fast run)
                    int op = alu[rnd.nextInt(alu.length)];
                    emit(out, op, 0x43 | d << 3, rnd.nextInt(64) * 4);
                    break;
                }
                case 2: emit(out, 0x83, 0xC0 | rnd.nextInt(8) << 3 | d, rnd.nextInt(256)); break;
                case 3: emit(out, 0x81, 0xC0 | rnd.nextInt(8) << 3 | d); imm32(out, rnd.nextInt()); break;
                case 4: // group 1 on [ebx+d8] with imm8 / imm32, or a byte MOV
                    if (rnd.nextBoolean()) emit(out, 0x83, 0x43 | rnd.nextInt(8) << 3, rnd.nextInt(64) * 4, rnd.nextInt(256));
                    else if (rnd.nextBoolean()) { emit(out, 0x81, 0x43 | rnd.nextInt(8) << 3, rnd.nextInt(64) * 4); imm32(out, rnd.nextInt()); }
                    else byteMove(out, rnd);
                    break;
                case 5: emit(out, rnd.nextBoolean() ? 0x89 : 0x8B, 0xC0 | dest(rnd) << 3 | d); break;
                case 6: emit(out, rnd.nextBoolean() ? 0x89 : 0x8B, 0x43 | d << 3, rnd.nextInt(64) * 4); break;
                case 7: // lea d, [ebx + esi*4 + disp8] or mov d, [ebx + disp8] via SIB
                    emit(out, 0x8D, 0x44 | d << 3, 0x80 | 6 << 3 | 3, rnd.nextInt(256));
                    break;
                case 8: emit(out, 0xC1, 0xC0 | rnd.nextInt(8) << 3 | d, rnd.nextInt(40)); break;
                case 9: emit(out, rnd.nextBoolean() ? 0xD1 : 0xD3, 0xC0 | rnd.nextInt(8) << 3 | d); break;
                case 10: emit(out, (rnd.nextBoolean() ? 0x40 : 0x48) | d); break;
                case 11: emit(out, 0xB8 | d); imm32(out, rnd.nextInt()); break;
                case 12: {
                    int[] acc = {0x05, 0x0D, 0x25, 0x2D, 0x35, 0x3D, 0xA9};
                    if (rnd.nextInt(3) == 0) emit(out, 0x3C, rnd.nextInt(256));
                    else if (rnd.nextBoolean()) emit(out, 0x84, 0xC0 | rnd.nextInt(64));
                    else { emit(out, acc[rnd.nextInt(acc.length)]); imm32(out, rnd.nextInt()); }
                    break;
                }
                case 13: {
                    int op2 = new int[] {0xB6, 0xB7, 0xBE, 0xBF}[rnd.nextInt(4)];
                    if (rnd.nextBoolean()) emit(out, 0x0F, op2, 0xC0 | d << 3 | rnd.nextInt(8));
                    else emit(out, 0x0F, op2, 0x43 | d << 3, rnd.nextInt(64) * 4);
                    break;
                }
                case 14: // push s; pop d
                    emit(out, 0x50 | s, 0x58 | d);
                    break;
                default:
                    if (rnd.nextBoolean()) emit(out, 0x70 | rnd.nextInt(16), 1, 0x42);
                    else { emit(out, 0x0F, 0x80 | rnd.nextInt(16)); imm32(out, 1); emit(out, 0x42); }
            }
        }
        emit(out, 0xC7, 0x43, 0x10); imm32(out, 0x5A5A5A5A); // mov dword [ebx+0x10], imm32
        emit(out, 0xE8); imm32(out, 1);                       // call over the next byte...
        emit(out, 0xF4, 0x58);                                // ...(hlt) to pop eax
        emit(out, 0xEB, 0x00, 0xE9); imm32(out, 0);          // jmp +0, jmp near +0
        // mov ecx, A; call ecx; hlt; A: pop edx; mov [ebx], B; call [ebx]; hlt; B: pop edx;
        // mov [ebx+4], C; jmp [ebx+4]; hlt; C: mov ecx, D; jmp ecx; hlt; D: hlt
        int at = CpuRig.CODE + out.size();
        emit(out, 0xB9); imm32(out, at + 8);
        emit(out, 0xFF, 0xD1, 0xF4, 0x5A);
        emit(out, 0xC7, 0x03); imm32(out, at + 18);
        emit(out, 0xFF, 0x13, 0xF4, 0x5A);
        emit(out, 0xC7, 0x43, 0x04); imm32(out, at + 30);
        emit(out, 0xFF, 0x63, 0x04, 0xF4);
        emit(out, 0xB9); imm32(out, at + 38);
        emit(out, 0xFF, 0xE1, 0xF4);
        emit(out, 0xF4);
        return out.toByteArray();
    }

    /** AL CL DL AH CH DH: byte registers that are not part of EBX or ESP. */
    private static final int[] REGS8 = {0, 1, 2, 4, 5, 6};

    /** TEST AL/r/m imm, CMP r/m8 r8, group 1 r/m8 imm8, INC/DEC r/m8 and r/m32 (register and memory). */
    private static void byteAndGroupForms(ByteArrayOutputStream out, SplittableRandom rnd, int d) {
        int a = REGS8[rnd.nextInt(6)], b = REGS8[rnd.nextInt(6)];
        int disp = rnd.nextInt(64) * 4;
        boolean reg = rnd.nextBoolean();
        switch (rnd.nextInt(6)) {
            case 0: emit(out, 0xA8, rnd.nextInt(256)); break;
            case 1:
                if (reg) emit(out, rnd.nextBoolean() ? 0x38 : 0x3A, 0xC0 | a << 3 | b);
                else emit(out, rnd.nextBoolean() ? 0x38 : 0x3A, 0x43 | a << 3, disp);
                break;
            case 2:
                if (reg) emit(out, 0x80, 0xC0 | rnd.nextInt(8) << 3 | a, rnd.nextInt(256));
                else emit(out, 0x80, 0x43 | rnd.nextInt(8) << 3, disp, rnd.nextInt(256));
                break;
            case 3:
                if (reg) emit(out, 0xF6, 0xC0 | rnd.nextInt(2) << 3 | a, rnd.nextInt(256));
                else emit(out, 0xF6, 0x43 | rnd.nextInt(2) << 3, disp, rnd.nextInt(256));
                break;
            case 4:
                if (reg) emit(out, 0xF7, 0xC0 | rnd.nextInt(2) << 3 | d);
                else emit(out, 0xF7, 0x43 | rnd.nextInt(2) << 3, disp);
                imm32(out, rnd.nextInt());
                break;
            default: {
                int sub = rnd.nextInt(2);
                boolean bytes = rnd.nextBoolean();
                if (reg) emit(out, bytes ? 0xFE : 0xFF, 0xC0 | sub << 3 | (bytes ? a : d));
                else emit(out, bytes ? 0xFE : 0xFF, 0x43 | sub << 3, disp);
            }
        }
    }

    /** MOV r/m8, r8 / r8, r/m8 / r/m8, imm8 with byte registers that are not part of EBX or ESP. */
    private static void byteMove(ByteArrayOutputStream out, SplittableRandom rnd) {
        int[] regs8 = REGS8;
        int a = regs8[rnd.nextInt(6)], b = regs8[rnd.nextInt(6)];
        int disp = rnd.nextInt(256);
        switch (rnd.nextInt(4)) {
            case 0: emit(out, rnd.nextBoolean() ? 0x88 : 0x8A, 0xC0 | a << 3 | b); break;
            case 1: emit(out, rnd.nextBoolean() ? 0x88 : 0x8A, 0x43 | a << 3, disp); break;
            case 2: emit(out, 0xC6, 0xC0 | a, rnd.nextInt(256)); break;
            default: emit(out, 0xC6, 0x43, disp, rnd.nextInt(256));
        }
    }

    /** A destination register other than ESP and EBX. */
    private static int dest(SplittableRandom rnd) {
        int[] regs = {Cpu.EAX, Cpu.ECX, Cpu.EDX, Cpu.EBP, Cpu.ESI, Cpu.EDI};
        return regs[rnd.nextInt(regs.length)];
    }

    private static void emit(ByteArrayOutputStream out, int... bytes) {
        for (int b : bytes) out.write(b);
    }

    private static void imm32(ByteArrayOutputStream out, int v) {
        for (int i = 0; i < 4; i++) out.write(v >>> (8 * i));
    }
}
