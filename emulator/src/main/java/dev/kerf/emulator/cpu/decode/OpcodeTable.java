package dev.kerf.emulator.cpu.decode;

/**
 * The single declarative description of every encoding kerf executes: for each one-byte opcode
 * and each {@code 0F xx} opcode, whether it is supported, whether it has a ModRM byte, its
 * immediate form, which ModRM.reg values are valid, which require a memory or register operand,
 * and which accept LOCK. The executor's decoder ({@code cpu.Executor}) and
 * {@link InstructionLength} both decode from this table and nothing else, so the length a tool
 * computes is the length the CPU fetches, and every encoding rejected here raises #UD.
 *
 * <p>Entry layout (a {@code long}): bit 0 VALID, bit 1 MODRM, bit 2 PREFIX, bit 3 FORCE_REG
 * (MOV CRn/DRn: the mod field is ignored, the operand is always a register), bit 4 RESTRICTED
 * (some reg values are invalid or constrained: the decoder's fast path skips the checks otherwise),
 * bit 5 ADDRESS_ONLY (LEA, NOP m: no limit check), bits 8..11 the
 * immediate kind ({@code IMM_*}), bits 16..23 the valid ModRM.reg values, bits 24..31 the reg
 * values that accept LOCK (with a memory operand), bits 32..39 the reg values that need a memory
 * operand, bits 40..47 the reg values that need a register operand.
 */
public final class OpcodeTable {
    public static final long VALID = 1, MODRM = 2, PREFIX = 4, FORCE_REG = 8;
    /** Set when some ModRM.reg value is invalid or needs a memory/register operand: the decoder checks only then. */
    public static final long RESTRICTED = 16;
    /** The memory operand is an address only, never accessed (LEA, NOP m): no segment limit check. */
    public static final long ADDRESS_ONLY = 32;

    /** Immediate kinds (bits 8..11). */
    public static final int IMM_NONE = 0, IMM_B = 1, IMM_SB = 2, IMM_W = 3, IMM_Z = 4,
            IMM_MOFFS = 5, IMM_PTR = 6, IMM_ENTER = 7, IMM_GRP3B = 8, IMM_GRP3Z = 9;

    private static final long[] ONE = new long[256];
    private static final long[] TWO = new long[256];

    static {
        buildOneByte();
        buildTwoByte();
    }

    private OpcodeTable() {}

    /** Entry of one-byte opcode {@code op} (0..255). */
    public static long one(int op) {
        return ONE[op];
    }

    /** Entry of two-byte opcode {@code 0F op}. */
    public static long two(int op) {
        return TWO[op];
    }

    public static int immKind(long e) {
        return (int) (e >>> 8) & 0xF;
    }

    public static boolean regValid(long e, int reg) {
        return ((e >>> (16 + reg)) & 1) != 0;
    }

    public static boolean lockable(long e, int reg) {
        return ((e >>> (24 + reg)) & 1) != 0;
    }

    public static boolean needsMemory(long e, int reg) {
        return ((e >>> (32 + reg)) & 1) != 0;
    }

    public static boolean needsRegister(long e, int reg) {
        return ((e >>> (40 + reg)) & 1) != 0;
    }

    // ---- building the table: one line per opcode or opcode range, readable as a list ----

    private static long plain(int imm) {
        return VALID | ((long) imm << 8);
    }

    /** ModRM opcode; {@code regs} = valid reg values, {@code lock} = lockable reg values. */
    private static long modrm(int imm, int regs, int lock, int memOnly, int regOnly) {
        long restricted = regs != 0xFF || memOnly != 0 || regOnly != 0 ? RESTRICTED : 0;
        return VALID | MODRM | restricted | ((long) imm << 8) | ((long) regs << 16) | ((long) lock << 24)
                | ((long) memOnly << 32) | ((long) regOnly << 40);
    }

    private static long rm(int imm) {
        return modrm(imm, 0xFF, 0, 0, 0);
    }

    private static void range(long[] t, int from, int to, long e) {
        for (int i = from; i <= to; i++) t[i] = e;
    }

    private static void buildOneByte() {
        long[] t = ONE;
        for (int alu = 0; alu < 8; alu++) {               // ADD OR ADC SBB AND SUB XOR CMP
            int b = alu << 3;
            int lock = alu == 7 ? 0 : 0xFF;
            t[b] = modrm(IMM_NONE, 0xFF, lock, 0, 0);   // r/m8, r8
            t[b + 1] = modrm(IMM_NONE, 0xFF, lock, 0, 0);
            t[b + 2] = rm(IMM_NONE);                      // r8, r/m8
            t[b + 3] = rm(IMM_NONE);
            t[b + 4] = plain(IMM_B);                      // AL, imm8
            t[b + 5] = plain(IMM_Z);                      // eAX, imm
        }
        for (int op : new int[] {0x06, 0x07, 0x0E, 0x16, 0x17, 0x1E, 0x1F}) t[op] = plain(IMM_NONE); // PUSH/POP sreg
        for (int op : new int[] {0x26, 0x2E, 0x36, 0x3E, 0x64, 0x65, 0x66, 0x67, 0xF0, 0xF2, 0xF3}) t[op] = PREFIX;
        for (int op : new int[] {0x27, 0x2F, 0x37, 0x3F}) t[op] = plain(IMM_NONE);                    // DAA DAS AAA AAS
        range(t, 0x40, 0x61, plain(IMM_NONE));            // INC DEC PUSH POP PUSHA POPA
        t[0x62] = modrm(IMM_NONE, 0xFF, 0, 0xFF, 0);      // BOUND r, m
        t[0x68] = plain(IMM_Z);                           // PUSH imm
        t[0x69] = rm(IMM_Z);                              // IMUL r, r/m, imm
        t[0x6A] = plain(IMM_SB);                          // PUSH imm8
        t[0x6B] = rm(IMM_SB);                             // IMUL r, r/m, imm8
        range(t, 0x6C, 0x6F, plain(IMM_NONE));            // INS OUTS
        range(t, 0x70, 0x7F, plain(IMM_SB));              // Jcc rel8
        t[0x80] = modrm(IMM_B, 0xFF, 0x7F, 0, 0);         // grp1 r/m8, imm8
        t[0x81] = modrm(IMM_Z, 0xFF, 0x7F, 0, 0);
        t[0x82] = modrm(IMM_B, 0xFF, 0x7F, 0, 0);         // alias of 80 in 32-bit code
        t[0x83] = modrm(IMM_SB, 0xFF, 0x7F, 0, 0);
        range(t, 0x84, 0x85, rm(IMM_NONE));               // TEST
        range(t, 0x86, 0x87, modrm(IMM_NONE, 0xFF, 0xFF, 0, 0)); // XCHG
        range(t, 0x88, 0x8B, rm(IMM_NONE));               // MOV
        t[0x8C] = modrm(IMM_NONE, 0x3F, 0, 0, 0);         // MOV r/m, Sreg
        t[0x8D] = modrm(IMM_NONE, 0xFF, 0, 0xFF, 0) | ADDRESS_ONLY; // LEA
        t[0x8E] = modrm(IMM_NONE, 0x3D, 0, 0, 0);         // MOV Sreg, r/m (not CS)
        t[0x8F] = modrm(IMM_NONE, 0x01, 0, 0, 0);         // POP r/m
        range(t, 0x90, 0x99, plain(IMM_NONE));            // NOP/XCHG eAX, CBW, CWD
        t[0x9A] = plain(IMM_PTR);                         // CALL ptr16:32
        t[0x9B] = plain(IMM_NONE);                        // WAIT/FWAIT
        range(t, 0x9C, 0x9F, plain(IMM_NONE));            // PUSHF POPF SAHF LAHF
        range(t, 0xA0, 0xA3, plain(IMM_MOFFS));           // MOV moffs
        range(t, 0xA4, 0xA7, plain(IMM_NONE));            // MOVS CMPS
        t[0xA8] = plain(IMM_B);                           // TEST AL, imm8
        t[0xA9] = plain(IMM_Z);
        range(t, 0xAA, 0xAF, plain(IMM_NONE));            // STOS LODS SCAS
        range(t, 0xB0, 0xB7, plain(IMM_B));               // MOV r8, imm8
        range(t, 0xB8, 0xBF, plain(IMM_Z));               // MOV r, imm
        t[0xC0] = rm(IMM_B);                              // grp2 r/m8, imm8
        t[0xC1] = rm(IMM_B);
        t[0xC2] = plain(IMM_W);                           // RET imm16
        t[0xC3] = plain(IMM_NONE);
        t[0xC4] = modrm(IMM_NONE, 0xFF, 0, 0xFF, 0);      // LES
        t[0xC5] = modrm(IMM_NONE, 0xFF, 0, 0xFF, 0);      // LDS
        t[0xC6] = modrm(IMM_B, 0x01, 0, 0, 0);            // MOV r/m8, imm8
        t[0xC7] = modrm(IMM_Z, 0x01, 0, 0, 0);
        t[0xC8] = plain(IMM_ENTER);
        t[0xC9] = plain(IMM_NONE);                        // LEAVE
        t[0xCA] = plain(IMM_W);                           // RETF imm16
        t[0xCB] = plain(IMM_NONE);
        t[0xCC] = plain(IMM_NONE);                        // INT3
        t[0xCD] = plain(IMM_B);                           // INT imm8
        range(t, 0xCE, 0xCF, plain(IMM_NONE));            // INTO IRET
        range(t, 0xD0, 0xD3, rm(IMM_NONE));               // grp2 by 1 / CL
        range(t, 0xD4, 0xD5, plain(IMM_B));               // AAM AAD
        t[0xD7] = plain(IMM_NONE);                        // XLAT
        // x87 escapes: reg values that need a register operand (reserved or FISTTP with memory)
        // and that need a memory operand (reserved register forms); finer register-form holes
        // (e.g. D9 D1) raise #UD in X87Insns, which InstructionLength cannot see.
        t[0xD8] = rm(IMM_NONE);                           // arith m32real / ST(i)
        t[0xD9] = modrm(IMM_NONE, 0xFF, 0, 0, 0x02);      // FLD FXCH FST FSTP FLDENV FLDCW FNSTENV FNSTCW, specials
        t[0xDA] = rm(IMM_NONE);                           // arith m32int, FCMOVcc, FUCOMPP
        t[0xDB] = modrm(IMM_NONE, 0xFF, 0, 0x80, 0x52);   // FILD FIST FISTP m32, FLD/FSTP m80, FCMOVNcc, FNCLEX FNINIT, FUCOMI FCOMI
        t[0xDC] = rm(IMM_NONE);                           // arith m64real / ST(i), ST(0)
        t[0xDD] = modrm(IMM_NONE, 0xFF, 0, 0xC0, 0x22);   // FLD FST FSTP m64, FRSTOR FNSAVE FNSTSW, FFREE FST FSTP FUCOM FUCOMP
        t[0xDE] = rm(IMM_NONE);                           // arith m16int, FADDP ... FDIVP, FCOMPP
        t[0xDF] = modrm(IMM_NONE, 0xFF, 0, 0x80, 0x02);   // FILD FIST FISTP m16, FBLD FILD m64 FBSTP FISTP m64, FNSTSW AX, FUCOMIP FCOMIP
        range(t, 0xE0, 0xE3, plain(IMM_SB));              // LOOPNE LOOPE LOOP JECXZ
        range(t, 0xE4, 0xE7, plain(IMM_B));               // IN/OUT imm8
        t[0xE8] = plain(IMM_Z);                           // CALL rel
        t[0xE9] = plain(IMM_Z);                           // JMP rel
        t[0xEA] = plain(IMM_PTR);                         // JMP ptr16:32
        t[0xEB] = plain(IMM_SB);                          // JMP rel8
        range(t, 0xEC, 0xEF, plain(IMM_NONE));            // IN/OUT DX
        range(t, 0xF4, 0xF5, plain(IMM_NONE));            // HLT CMC
        t[0xF6] = modrm(IMM_GRP3B, 0xFF, 0x0C, 0, 0);     // grp3 r/m8 (TEST NOT NEG MUL IMUL DIV IDIV)
        t[0xF7] = modrm(IMM_GRP3Z, 0xFF, 0x0C, 0, 0);
        range(t, 0xF8, 0xFD, plain(IMM_NONE));            // CLC STC CLI STI CLD STD
        t[0xFE] = modrm(IMM_NONE, 0x03, 0x03, 0, 0);      // INC/DEC r/m8
        t[0xFF] = modrm(IMM_NONE, 0x7F, 0x03, 0x28, 0);   // INC DEC CALL CALLF JMP JMPF PUSH
    }

    private static void buildTwoByte() {
        long[] t = TWO;
        t[0x00] = modrm(IMM_NONE, 0x3F, 0, 0, 0);         // SLDT STR LLDT LTR VERR VERW
        t[0x01] = modrm(IMM_NONE, 0xDF, 0, 0x8F, 0);      // SGDT SIDT LGDT LIDT SMSW LMSW INVLPG
        range(t, 0x02, 0x03, rm(IMM_NONE));               // LAR LSL
        t[0x06] = plain(IMM_NONE);                        // CLTS
        range(t, 0x08, 0x09, plain(IMM_NONE));            // INVD WBINVD
        // hint NOPs (the P6's reserved-NOP space): every ModRM form does nothing, memory never
        // accessed; glibc's CET builds start functions with ENDBR32 (F3 0F 1E FB), a NOP here
        range(t, 0x19, 0x1E, rm(IMM_NONE) | ADDRESS_ONLY);
        t[0x1F] = modrm(IMM_NONE, 0x01, 0, 0x01, 0) | ADDRESS_ONLY; // NOP m (register form rejected, as capstone does)
        long cr = modrm(IMM_NONE, 0x1D, 0, 0, 0) | FORCE_REG;
        t[0x20] = cr;                                     // MOV r32, CRn
        t[0x22] = cr;                                     // MOV CRn, r32
        t[0x21] = modrm(IMM_NONE, 0xFF, 0, 0, 0) | FORCE_REG; // MOV r32, DRn
        t[0x23] = modrm(IMM_NONE, 0xFF, 0, 0, 0) | FORCE_REG;
        range(t, 0x30, 0x32, plain(IMM_NONE));            // WRMSR RDTSC RDMSR
        range(t, 0x40, 0x4F, rm(IMM_NONE));               // CMOVcc
        range(t, 0x80, 0x8F, plain(IMM_Z));               // Jcc rel
        range(t, 0x90, 0x9F, rm(IMM_NONE));               // SETcc
        range(t, 0xA0, 0xA2, plain(IMM_NONE));            // PUSH FS, POP FS, CPUID
        t[0xA3] = rm(IMM_NONE);                           // BT
        t[0xA4] = rm(IMM_B);                              // SHLD imm8
        t[0xA5] = rm(IMM_NONE);                           // SHLD CL
        range(t, 0xA8, 0xA9, plain(IMM_NONE));            // PUSH GS, POP GS
        t[0xAB] = modrm(IMM_NONE, 0xFF, 0xFF, 0, 0);      // BTS
        t[0xAC] = rm(IMM_B);                              // SHRD imm8
        t[0xAD] = rm(IMM_NONE);                           // SHRD CL
        t[0xAF] = rm(IMM_NONE);                           // IMUL r, r/m
        range(t, 0xB0, 0xB1, modrm(IMM_NONE, 0xFF, 0xFF, 0, 0)); // CMPXCHG
        t[0xB2] = modrm(IMM_NONE, 0xFF, 0, 0xFF, 0);      // LSS
        t[0xB3] = modrm(IMM_NONE, 0xFF, 0xFF, 0, 0);      // BTR
        range(t, 0xB4, 0xB5, modrm(IMM_NONE, 0xFF, 0, 0xFF, 0)); // LFS LGS
        range(t, 0xB6, 0xB7, rm(IMM_NONE));               // MOVZX
        t[0xBA] = modrm(IMM_B, 0xF0, 0xE0, 0, 0);         // grp8 BT BTS BTR BTC imm8
        t[0xBB] = modrm(IMM_NONE, 0xFF, 0xFF, 0, 0);      // BTC
        range(t, 0xBC, 0xBF, rm(IMM_NONE));               // BSF BSR MOVSX
        range(t, 0xC0, 0xC1, modrm(IMM_NONE, 0xFF, 0xFF, 0, 0)); // XADD
        t[0xC7] = modrm(IMM_NONE, 0x02, 0x02, 0x02, 0);   // CMPXCHG8B m64
        range(t, 0xC8, 0xCF, plain(IMM_NONE));            // BSWAP
    }
}
