package dev.kerf.emulator.cpu;

import dev.kerf.emulator.cpu.decode.Decoded;
import dev.kerf.emulator.cpu.decode.OpcodeTable;
import dev.kerf.emulator.mmu.Mmu;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Decodes and executes one instruction: prefixes, opcode, ModRM/SIB/displacement and immediate
 * (all driven by {@link OpcodeTable}), then hands over to {@link Dispatch}. Holds the decoded
 * fields the instruction families read ({@link #rm}, {@link #ea}, {@link #imm}...), the
 * instruction-fetch page cache and the operand access helpers. One instance per {@link Cpu}.
 *
 * <p>Fetch: the physical page of the current EIP is cached and bytes are read straight from the
 * RAM array; the cache is dropped when the MMU generation or CPL changes, and re-checked on every
 * page crossing (the tag is the linear page, so CS base changes are covered). No decoded
 * instructions are cached, so self-modifying code needs no special care.
 *
 * <p>Translated blocks ({@link Translator}) decode once and call the same instruction families
 * through {@link #decoded}; what they do not hold is stepped here.
 *
 * <p>EIP protocol: {@code cpu.eip} is set to the next instruction after decoding and before
 * execution, so relative branches and CALL see it; the run loop restores {@link #start} on a
 * fault.
 */
final class Executor {
    private static final VarHandle I32 = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

    final Cpu cpu;
    final int[] reg;
    final SegmentCache[] seg;
    final Mmu mmu;
    /** cpu.seg[CS]: the SegmentCache objects are never replaced, only rewritten. */
    private final SegmentCache cs;
    final byte[] ram;
    private final dev.kerf.emulator.mmu.PhysicalMemory memory;
    /** Stands in for a fetch page outside RAM: an open bus reads all-ones. */
    private final byte[] openBus = new byte[4096];

    // Fetch page cache, in terms of the CS offset: bytes at offsets [fetchLo, fetchLo + fetchLen)
    // are fetchArr[offset + fetchDelta]. fetchLen is 0 when nothing is cached. Kept this way so
    // that fetching a byte is one compare and one array load off the EIP (the critical path).
    byte[] fetchArr;
    int fetchLo, fetchLen, fetchDelta;
    private int fetchCsBase, fetchGen;
    private int fetchCpl = -1;

    // Data micro-TLB (same contract as the fetch cache): a direct-mapped cache of the MMU's
    // answers for 64 pages, reads and writes apart, as index deltas into the RAM array. Filled
    // only through Mmu.translate (so permission checks, A/D bits and #PF stay the MMU's) and
    // dropped whenever Mmu.generation() or CPL changes. Skips the MMU's second bounds check.
    // Compiled blocks test these entries inline and call read32... only when they miss (Emitter).
    static final int DTLB_SIZE = 64;
    final int[] readTag = new int[DTLB_SIZE], readDelta = new int[DTLB_SIZE];
    final int[] writeTag = new int[DTLB_SIZE], writeDelta = new int[DTLB_SIZE];
    private static final VarHandle I16 = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);

    /** Address of the instruction being executed, and ESP when it started. */
    int start, startEsp;
    /** Fetch position (offset in CS) while decoding. */
    int ip;

    boolean o32, a32, lock;
    /**
     * An instruction hook is registered: the run loop steps one instruction at a time and REP
     * string instructions run one iteration per step (see {@link #setObserved}).
     */
    boolean observed;
    /**
     * A memory hook observes reads / writes: that side of the data micro-TLB stays empty, so every
     * such access goes through the MMU, which reports it.
     */
    private boolean observeReads, observeWrites;
    /** The current instruction had prefixes / CS.D of the previous instruction. */
    private boolean prefixed = true, lastBig;
    /** Segment override (0..5) or -1. */
    int segOvr;
    /** 0, 0xF2 (REPNE) or 0xF3 (REP/REPE). */
    int rep;

    /** ModRM reg field; register number of the r/m operand, or -1 for memory. */
    int regf, rm;
    /** The ModRM byte itself and the segment register of the memory operand (the x87 records both). */
    int modrm, eaSegment;
    /** Memory operand: linear address, offset in its segment, base register (-1 none). */
    int ea, eaOff, eaBase;
    int imm, imm2;
    /** Opcode table entry of the current instruction. */
    private long entry;
    /** Flags as they were before a read-modify-write of memory (see {@link #saveFlags()}). */
    /** icount of the instruction that saved flags; the saved copy is valid only for that instruction. */
    private long savedAt = -1;
    private int savedBits, savedLazy, savedKind, savedOp1, savedOp2, savedRes, savedMask;

    /** Scratch for POPA (no allocation on the execution path). */
    final int[] scratch8 = new int[8];
    /** icount limit of the current run() (REP batching must not pass it). */
    long limit;

    Executor(Cpu cpu) {
        this.cpu = cpu;
        this.reg = cpu.reg;
        this.seg = cpu.seg;
        this.mmu = cpu.mmu;
        this.cs = cpu.seg[Cpu.CS];
        this.ram = cpu.memory.array();
        this.memory = cpu.memory;
        Arrays.fill(openBus, (byte) 0xFF);
        Arrays.fill(readTag, 1);
        Arrays.fill(writeTag, 1);
        memory.watchWriteEntries(this::dropWriteCache); // a RAM hash forgets which pages were written
    }

    /** Decodes and executes the instruction at CS:EIP. Throws CpuFault with state rewindable. */
    void step() {
        int eip = cpu.eip;
        start = eip;
        ip = eip;
        startEsp = reg[Cpu.ESP];
        prepare();
        decodeAndRun(fetch8(), lastBig);
    }

    /**
     * Re-checks the fetch cache against CS base, MMU generation and CPL and resets the prefix
     * state left by an instruction that had prefixes (or a change of CS.D).
     */
    void prepare() {
        checkCaches();
        boolean big = (cs.access & 0x4000) != 0;
        if (prefixed || big != lastBig) resetPrefixes(big);
    }

    /**
     * Forgets every cached translation and per-instruction leftover (fetch page, data micro-TLB,
     * saved flags): for {@link CpuState#restore}, after which nothing cached may survive.
     */
    void resetCaches() {
        cpu.translator.flush();
        fetchLen = 0;
        fetchCpl = -1;
        Arrays.fill(readTag, 1);
        Arrays.fill(writeTag, 1);
        savedAt = -1;
    }

    /**
     * Switches the observed path on or off (the run loop calls this when it picks its path): with
     * {@code everyInstruction}, REP string instructions run one iteration per step; with
     * {@code reads} / {@code writes} (memory hooks), the data micro-TLB's read / write side is
     * emptied and no longer filled.
     */
    void setObserved(boolean everyInstruction, boolean reads, boolean writes) {
        observed = everyInstruction;
        observeReads = reads;
        observeWrites = writes;
        Arrays.fill(readTag, 1);
        Arrays.fill(writeTag, 1);
    }

    /**
     * The generic, table-driven decoder for the instruction whose first byte {@code op} was just
     * fetched. Kept out of {@link #step()} so that step stays small enough to be inlined into the
     * run loop.
     */
    private void decodeAndRun(int op, boolean big) {
        Cpu c = cpu;
        long e = OpcodeTable.one(op);
        while ((e & OpcodeTable.PREFIX) != 0) {
            prefix(op, big);
            op = fetch8();
            e = OpcodeTable.one(op);
        }
        if (op == 0x0F) {
            op = 0x100 | fetch8();
            e = OpcodeTable.two(op & 0xFF);
        }
        if ((e & OpcodeTable.VALID) == 0) throw ud();
        entry = e;
        if ((e & OpcodeTable.MODRM) != 0) decodeModrm(e);
        else if (lock) throw ud();
        int kind = OpcodeTable.immKind(e);
        if (kind != 0) fetchImmediate(kind);
        if (ip - start > 15) throw CpuFault.withCode(Vectors.GP, 0);
        c.eip = ip;
        if (op < 0x100) Dispatch.oneByte(this, op);
        else Dispatch.twoByte(this, op & 0xFF);
    }

    /**
     * Leaves the decoded fields as {@link #decodeAndRun} leaves them for the instruction
     * {@code d}, its memory operand computed from the registers now (may raise #GP/#SS for a
     * segment limit): the block translator's way into the instruction families, which then run
     * exactly as after the table-driven decoder. {@link #start}, {@link #startEsp} and
     * {@code cpu.eip} are the caller's.
     */
    void decoded(Decoded d) {
        prefixed = true; // the interpreter's next instruction resets the prefix state
        o32 = d.o32();
        a32 = d.a32();
        lock = d.lock();
        segOvr = d.segOvr();
        rep = d.rep();
        entry = d.entry();
        modrm = d.modrm();
        regf = d.regf();
        rm = d.rm();
        imm = d.imm();
        imm2 = d.imm2();
        if (d.memory()) {
            int off = d.disp();
            if (d.base() >= 0) off += reg[d.base()];
            if (d.index() >= 0) off += reg[d.index()] << d.scale();
            eaBase = d.a32() ? d.base() : -1;
            setEa(d.sreg(), d.a32() ? off : off & 0xFFFF);
        }
    }

    /**
     * Drops the data micro-TLB and fetch page if the MMU generation, CPL or CS base changed since
     * they were filled: before every interpreted instruction ({@link #prepare()}) and before a
     * translated block is looked up (nothing inside a block changes any of them).
     */
    void checkCaches() {
        if (cs.base != fetchCsBase || mmu.generation() != fetchGen || cpu.cpl != fetchCpl) dropFetchPage(cs.base);
    }

    /**
     * Drops every write entry of the data micro-TLB: called when a page becomes a code page, so
     * that stores to it go through {@link dev.kerf.emulator.mmu.PhysicalMemory}, which reports them,
     * and after a RAM hash ({@code PhysicalMemory.ramHash}), so that the next store to a page marks it
     * as written again ({@link #fillWrite}).
     */
    void dropWriteCache() {
        Arrays.fill(writeTag, 1);
    }

    /** Prefix state is reset only after an instruction that had prefixes (saves stores per instruction). */
    private void resetPrefixes(boolean big) {
        o32 = big;
        a32 = big;
        segOvr = -1;
        rep = 0;
        lock = false;
        prefixed = false;
        lastBig = big;
    }

    private void prefix(int op, boolean big) {
        prefixed = true;
        switch (op) {
            case 0x66: o32 = !big; break;
            case 0x67: a32 = !big; break;
            case 0xF0: lock = true; break;
            case 0xF2:
            case 0xF3: rep = op; break;
            case 0x26: segOvr = Cpu.ES; break;
            case 0x2E: segOvr = Cpu.CS; break;
            case 0x36: segOvr = Cpu.SS; break;
            case 0x3E: segOvr = Cpu.DS; break;
            case 0x64: segOvr = Cpu.FS; break;
            default: segOvr = Cpu.GS; break;
        }
    }

    private void fetchImmediate(int kind) {
        switch (kind) {
            case OpcodeTable.IMM_B: imm = fetch8(); break;
            case OpcodeTable.IMM_SB: imm = (byte) fetch8(); break;
            case OpcodeTable.IMM_W: imm = fetch16(); break;
            case OpcodeTable.IMM_Z: imm = o32 ? fetch32() : fetch16(); break;
            case OpcodeTable.IMM_MOFFS: imm = a32 ? fetch32() : fetch16(); break;
            case OpcodeTable.IMM_PTR: imm = o32 ? fetch32() : fetch16(); imm2 = fetch16(); break;
            case OpcodeTable.IMM_ENTER: imm = fetch16(); imm2 = fetch8(); break;
            case OpcodeTable.IMM_GRP3B: if (regf < 2) imm = fetch8(); break;
            case OpcodeTable.IMM_GRP3Z: if (regf < 2) imm = o32 ? fetch32() : fetch16(); break;
            default: throw new IllegalStateException("opcode table has immediate kind " + kind);
        }
    }

    // ---------------------------------------------------------------- ModRM

    private void decodeModrm(long e) {
        int m = fetch8();
        int r = (m >> 3) & 7;
        regf = r;
        modrm = m;
        boolean memory = m < 0xC0 && (e & OpcodeTable.FORCE_REG) == 0;
        if (((e & OpcodeTable.RESTRICTED) != 0 || lock) && !modrmAllowed(e, r, memory)) throw ud();
        if (!memory) {
            rm = m & 7;
            return;
        }
        rm = -1;
        if (a32) address32(m);
        else address16(m);
    }

    private boolean modrmAllowed(long e, int r, boolean memory) {
        if (!OpcodeTable.regValid(e, r)) return false;
        if (lock && !(memory && OpcodeTable.lockable(e, r))) return false;
        return memory ? !OpcodeTable.needsRegister(e, r) : !OpcodeTable.needsMemory(e, r);
    }

    private void address32(int m) {
        int mod = m >>> 6, r = m & 7;
        int off, sreg = Cpu.DS, base = -1;
        if (r == 4) {
            int sib = fetch8();
            int b = sib & 7, idx = (sib >> 3) & 7;
            if (b == 5 && mod == 0) {
                off = fetch32();
            } else {
                off = reg[b];
                base = b;
                if (b == 4 || b == 5) sreg = Cpu.SS;
            }
            if (idx != 4) off += reg[idx] << (sib >>> 6);
        } else if (r == 5 && mod == 0) {
            off = fetch32();
        } else {
            off = reg[r];
            base = r;
            if (r == 5) sreg = Cpu.SS;
        }
        if (mod == 1) off += (byte) fetch8();
        else if (mod == 2) off += fetch32();
        eaBase = base;
        setEa(segOvr >= 0 ? segOvr : sreg, off);
    }

    private void address16(int m) {
        int mod = m >>> 6, r = m & 7;
        int off, sreg = Cpu.DS;
        switch (r) {
            case 0: off = reg[Cpu.EBX] + reg[Cpu.ESI]; break;
            case 1: off = reg[Cpu.EBX] + reg[Cpu.EDI]; break;
            case 2: off = reg[Cpu.EBP] + reg[Cpu.ESI]; sreg = Cpu.SS; break;
            case 3: off = reg[Cpu.EBP] + reg[Cpu.EDI]; sreg = Cpu.SS; break;
            case 4: off = reg[Cpu.ESI]; break;
            case 5: off = reg[Cpu.EDI]; break;
            case 6:
                if (mod == 0) off = fetch16();
                else { off = reg[Cpu.EBP]; sreg = Cpu.SS; }
                break;
            default: off = reg[Cpu.EBX]; break;
        }
        if (mod == 1) off += (byte) fetch8();
        else if (mod == 2) off += fetch16();
        eaBase = -1;
        setEa(segOvr >= 0 ? segOvr : sreg, off & 0xFFFF);
    }

    /**
     * Sets the memory operand to {@code off} in segment {@code sreg}. Limit check: only the first
     * byte, and only for segments that are not flat (limit 0xFFFFFFFF skips it).
     */
    void setEa(int sreg, int off) {
        SegmentCache s = seg[sreg];
        eaSegment = sreg;
        if (s.limit != -1 && (entry & OpcodeTable.ADDRESS_ONLY) == 0) checkLimit(s, sreg, off);
        eaOff = off;
        ea = s.base + off;
    }

    /** {@link #setEa} for an operand that is accessed (always limit-checked on a non-flat segment). */
    void setEaChecked(int sreg, int off) {
        eaOff = off;
        ea = linear(sreg, off);
    }

    /** Linear address of an accessed operand at {@code off} in segment {@code sreg}, limit-checked as {@link #setEaChecked} does. */
    int linear(int sreg, int off) {
        SegmentCache s = seg[sreg];
        if (s.limit != -1) checkLimit(s, sreg, off);
        return s.base + off;
    }

    private static void checkLimit(SegmentCache s, int sreg, int off) {
        boolean expandDown = (s.access & 0x1C) == 0x14;
        boolean bad = expandDown ? Integer.compareUnsigned(off, s.limit) <= 0
                : Integer.compareUnsigned(off, s.limit) > 0;
        if (bad) throw CpuFault.withCode(sreg == Cpu.SS ? Vectors.SS : Vectors.GP, 0);
    }

    /** Segment for DS-default accesses (string sources, XLAT, moffs) after overrides. */
    int dataSeg() {
        return segOvr >= 0 ? segOvr : Cpu.DS;
    }

    // ---------------------------------------------------------------- fetch

    private void dropFetchPage(int csBase) {
        fetchLen = 0;
        if (mmu.generation() != fetchGen || cpu.cpl != fetchCpl) {
            Arrays.fill(readTag, 1);
            Arrays.fill(writeTag, 1);
        }
        fetchCsBase = csBase;
        fetchGen = mmu.generation();
        fetchCpl = cpu.cpl;
    }

    /** Caches the page holding CS offset {@code off}; may throw #PF. */
    private void loadFetchPage(int off) {
        int lin = fetchCsBase + off;
        int page = lin & 0xFFFFF000;
        int phys = mmu.translateFetch(page) & 0xFFFFF000;
        if (phys >= 0 && phys <= ram.length - 4096) {
            fetchArr = ram;
        } else {
            fetchArr = openBus;
            phys = 0;
        }
        fetchLo = off - (lin & 0xFFF);
        fetchDelta = phys - fetchLo;
        fetchLen = 4096;
    }

    /**
     * The physical address the interpreter would fetch CS offset {@code off} from now: through the
     * current fetch page, loading it (an MMU fetch translation, as the interpreter's next fetch
     * would do) when {@code off} is outside it; -1 when the page is not RAM. May throw #PF. The
     * translator finds blocks through this, so both engines see a code page through the same
     * translation at the same moments, even when the guest rewrote a page table entry without
     * INVLPG (the TLB's stale entries are the interpreter's; the translator uses exactly those).
     */
    int fetchPhys(int off) {
        if (Integer.compareUnsigned(off - fetchLo, fetchLen) >= 0) loadFetchPage(off);
        return fetchArr == ram ? off + fetchDelta : -1;
    }

    /** {@link #fetchPhys} when {@code off} is in the current fetch page, without loading one: -1 otherwise. */
    int fetchPhysCached(int off) {
        return Integer.compareUnsigned(off - fetchLo, fetchLen) < 0 && fetchArr == ram ? off + fetchDelta : -1;
    }

    int fetch8() {
        int i = ip;
        if (Integer.compareUnsigned(i - fetchLo, fetchLen) >= 0) loadFetchPage(i);
        ip = i + 1;
        return fetchArr[i + fetchDelta] & 0xFF;
    }

    int fetch16() {
        int lo = fetch8();
        return lo | fetch8() << 8;
    }

    int fetch32() {
        int i = ip;
        int d = i - fetchLo;
        if (Integer.compareUnsigned(d, fetchLen) < 0 && d <= 4092) {
            ip = i + 4;
            return (int) I32.get(fetchArr, i + fetchDelta);
        }
        int b0 = fetch8(), b1 = fetch8(), b2 = fetch8();
        return b0 | b1 << 8 | b2 << 16 | fetch8() << 24;
    }

    // ---------------------------------------------------------------- operands
    // Sizes are given as masks: 0xFF, 0xFFFF or -1 (32 bits). Values returned are masked.

    int opMask() {
        return o32 ? -1 : 0xFFFF;
    }

    int reg8(int i) {
        return i < 4 ? reg[i] & 0xFF : (reg[i - 4] >>> 8) & 0xFF;
    }

    void setReg8(int i, int v) {
        if (i < 4) reg[i] = (reg[i] & 0xFFFFFF00) | (v & 0xFF);
        else reg[i - 4] = (reg[i - 4] & 0xFFFF00FF) | ((v & 0xFF) << 8);
    }

    int regv(int mask, int i) {
        return mask == 0xFF ? reg8(i) : reg[i] & mask;
    }

    void setRegv(int mask, int i, int v) {
        if (mask == -1) reg[i] = v;
        else if (mask == 0xFFFF) reg[i] = (reg[i] & 0xFFFF0000) | (v & 0xFFFF);
        else setReg8(i, v);
    }

    int readMem(int mask, int lin) {
        if (mask == -1) return read32(lin);
        return mask == 0xFFFF ? read16(lin) : read8(lin);
    }

    void writeMem(int mask, int lin, int v) {
        if (mask == -1) write32(lin, v);
        else if (mask == 0xFFFF) write16(lin, v);
        else write8(lin, v);
    }

    // ---------------------------------------------------------------- data accesses

    private static int dslot(int lin) {
        return (lin >>> 12) & (DTLB_SIZE - 1);
    }

    /** The little-endian 32-bit value at {@code ram[i]}: a micro-TLB hit, here and in compiled blocks. */
    static int ram32(byte[] ram, int i) {
        return (int) I32.get(ram, i);
    }

    static int ram16(byte[] ram, int i) {
        return (short) I16.get(ram, i) & 0xFFFF;
    }

    static void setRam32(byte[] ram, int i, int v) {
        I32.set(ram, i, v);
    }

    static void setRam16(byte[] ram, int i, int v) {
        I16.set(ram, i, (short) v);
    }

    int read32(int lin) {
        int s = dslot(lin);
        if (readTag[s] == (lin & 0xFFFFF000) && (lin & 0xFFF) <= 0xFFC) return ram32(ram, lin + readDelta[s]);
        return (lin & 0xFFF) <= 0xFFC && fillRead(lin) ? ram32(ram, lin + readDelta[s]) : mmu.read32(lin);
    }

    int read16(int lin) {
        int s = dslot(lin);
        if (readTag[s] == (lin & 0xFFFFF000) && (lin & 0xFFF) <= 0xFFE) return ram16(ram, lin + readDelta[s]);
        return (lin & 0xFFF) <= 0xFFE && fillRead(lin) ? ram16(ram, lin + readDelta[s]) : mmu.read16(lin);
    }

    int read8(int lin) {
        int s = dslot(lin);
        if (readTag[s] == (lin & 0xFFFFF000)) return ram[lin + readDelta[s]] & 0xFF;
        return fillRead(lin) ? ram[lin + readDelta[s]] & 0xFF : mmu.read8(lin);
    }

    void write32(int lin, int v) {
        int s = dslot(lin);
        if (writeTag[s] == (lin & 0xFFFFF000) && (lin & 0xFFF) <= 0xFFC || (lin & 0xFFF) <= 0xFFC && fillWrite(lin)) {
            setRam32(ram, lin + writeDelta[s], v);
        } else {
            mmu.write32(lin, v);
        }
    }

    void write16(int lin, int v) {
        int s = dslot(lin);
        if (writeTag[s] == (lin & 0xFFFFF000) && (lin & 0xFFF) <= 0xFFE || (lin & 0xFFF) <= 0xFFE && fillWrite(lin)) {
            setRam16(ram, lin + writeDelta[s], v);
        } else {
            mmu.write16(lin, v);
        }
    }

    void write8(int lin, int v) {
        int s = dslot(lin);
        if (writeTag[s] == (lin & 0xFFFFF000) || fillWrite(lin)) ram[lin + writeDelta[s]] = (byte) v;
        else mmu.write8(lin, v);
    }

    /** Translates {@code lin} for reading (may #PF) and caches its page if it is RAM. */
    private boolean fillRead(int lin) {
        if (observeReads) return false;
        int phys = mmu.translate(lin, false) & 0xFFFFF000;
        if (phys < 0 || phys > ram.length - 4096) return false;
        int s = dslot(lin);
        readTag[s] = lin & 0xFFFFF000;
        readDelta[s] = phys - (lin & 0xFFFFF000);
        return true;
    }

    /** Translates {@code lin} for writing (may #PF; sets the dirty bit) and caches its page if it is RAM. */
    private boolean fillWrite(int lin) {
        if (observeWrites) return false;
        int phys = mmu.translate(lin, true) & 0xFFFFF000;
        if (phys < 0 || phys > ram.length - 4096 || memory.isCode(phys)) return false; // code pages: stores must be seen
        memory.touch(phys); // stores through this entry are not seen: the page counts as written now (until the next RAM hash drops the entry)
        int s = dslot(lin);
        writeTag[s] = lin & 0xFFFFF000;
        writeDelta[s] = phys - (lin & 0xFFFFF000);
        return true;
    }

    int rmv(int mask) {
        return rm >= 0 ? regv(mask, rm) : readMem(mask, ea);
    }

    void setRmv(int mask, int v) {
        if (rm >= 0) setRegv(mask, rm, v);
        else writeMem(mask, ea, v);
    }

    int rm32() {
        return rm >= 0 ? reg[rm] : read32(ea);
    }

    void setRm32(int v) {
        if (rm >= 0) reg[rm] = v;
        else write32(ea, v);
    }

    int rm16() {
        return rm >= 0 ? reg[rm] & 0xFFFF : read16(ea);
    }

    int rm8() {
        return rm >= 0 ? reg8(rm) : read8(ea);
    }

    // ---------------------------------------------------------------- fault rollback

    /**
     * Called before an instruction that sets flags and then writes memory (which may #PF):
     * {@link #restoreFlags()} puts them back if it faults, so the restart sees the old flags.
     */
    void saveFlags() {
        Cpu c = cpu;
        savedBits = c.flagBits;
        savedLazy = c.lazyMask;
        savedKind = c.fKind;
        savedOp1 = c.fOp1;
        savedOp2 = c.fOp2;
        savedRes = c.fRes;
        savedMask = c.fMask;
        savedAt = c.icount;
    }

    void restoreFlags() {
        if (savedAt != cpu.icount) return;
        Cpu c = cpu;
        c.flagBits = savedBits;
        c.lazyMask = savedLazy;
        c.fKind = savedKind;
        c.fOp1 = savedOp1;
        c.fOp2 = savedOp2;
        c.fRes = savedRes;
        c.fMask = savedMask;
        savedAt = -1;
    }

    // ---------------------------------------------------------------- privilege

    int iopl() {
        return (cpu.flagBits >> 12) & 3;
    }

    /** #GP(0) unless CPL 0 (system instructions, HLT). */
    void requireCpl0() {
        if (cpu.cpl != 0) throw CpuFault.withCode(Vectors.GP, 0);
    }

    /** IN/OUT/INS/OUTS: allowed at CPL <= IOPL, else only if the TSS I/O bitmap clears every byte's bit; #GP(0) otherwise. */
    void requireIo(int port, int size) {
        if (cpu.cpl > iopl() && !TaskStateSegment.ioPermitted(cpu, port, size)) {
            throw CpuFault.withCode(Vectors.GP, 0);
        }
    }

    /** #GP(0) if CPL > IOPL (CLI, STI). */
    void requireIopl() {
        if (cpu.cpl > iopl()) throw CpuFault.withCode(Vectors.GP, 0);
    }

    static CpuFault ud() {
        return CpuFault.of(Vectors.UD);
    }
}
