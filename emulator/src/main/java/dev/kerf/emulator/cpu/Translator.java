package dev.kerf.emulator.cpu;

import dev.kerf.emulator.cpu.decode.Decoded;
import dev.kerf.emulator.mmu.PhysicalMemory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;

/**
 * The block translator's cache and its way of running blocks (docs/block-translator.md): guest
 * code is cut into blocks (traces through jumps) within one physical page, each decoded
 * once ({@link Decoded}) and, once it has run often enough, compiled to JVM bytecode
 * ({@link BlockCompiler}). One instance per {@link Cpu}; what it shares with other CPUs is
 * compiled code, by content ({@link CodeCache}).
 *
 * <p><b>One source of semantics.</b> A block does not re-implement x86: what it does not
 * specialise it executes by handing the decoded fields to {@link Executor#decoded} and calling
 * the same instruction families ({@link Dispatch}) the interpreter calls after decoding. So
 * every instruction the interpreter executes is executed by the same code here, minus the decode.
 *
 * <p><b>What a block may hold.</b> Instructions that cannot change how the next instruction is
 * fetched, whether an interrupt may arrive, or what a device sees: see {@link #role}. A near
 * jump, call, return or loop ends a block; a far transfer, an interrupt instruction, a segment
 * load of SS/DS/ES/FS/GS, a control/system-register write, port I/O, HLT, STI/CLI/POPF/IRET,
 * RDTSC and REP string instructions are never in one: the interpreter runs them alone, exactly
 * as before (it also handles REP's one-iteration-per-icount rule and the STI/MOV SS shadow).
 *
 * <p><b>Exactness.</b> Wherever an instruction of a block may fault or reach a device (a slow
 * path, a family call) the block first stores {@code c.icount}, the instruction's start and ESP
 * as the interpreter's step does, so a fault in the middle of a block is rewound and delivered by
 * the run loop exactly as in the interpreter. Compiled code runs only when all
 * of the block fits below the icount limit (the next device deadline or recorded event; else the
 * interpreter steps the instructions before it) and only when no interrupt poll is pending, so
 * interrupts land at the same icount. After a compiled block, {@link #run} goes on with its
 * compiled successor under the same conditions (chaining).
 *
 * <p><b>Cache.</b> EIP is translated exactly as the interpreter's next fetch would translate it
 * (through the executor's fetch page, {@link Executor#fetchPhys}); a direct-mapped jump cache by
 * EIP, checked against that physical address, CS base and CS.D, and behind it a table keyed by
 * (physical address, EIP). Blocks are keyed physically, so a CR3 switch keeps them. Compiled
 * code is shared by content through a {@link CodeCache} (the process's, unless the CPU was given
 * another): a block made from bytes some CPU of the process already compiled runs that code at
 * once, and what this translator compiles it publishes there.
 *
 * <p><b>Self-modifying code.</b> A page that blocks were made from is marked in
 * {@link PhysicalMemory}; the executor's write micro-TLB never caches it, so every store to it
 * goes through {@code PhysicalMemory}, which reports it: the page's blocks are dropped and the
 * running block stops after the storing instruction, so the next instruction is fetched anew.
 */
final class Translator implements PhysicalMemory.CodeWatch {
    /** Longest block, in instructions. */
    static final int MAX_INSNS = 64;
    /**
     * Runs of a block before it is compiled: until then the interpreter steps its instructions.
     * Code that runs a few times (boot, initialisation) is not worth a class definition and
     * HotSpot's compilation of it. Tests set 1 (every block compiled at its first run).
     */
    int compileAfter = Integer.getInteger("kerf.compileAfter", 5000);

    private static final int STOP = 0, MIDDLE = 1, LAST = 2;
    private static final int JUMP_SIZE = 1 << 15;

    private final Cpu c;
    private final Executor x;
    private final PhysicalMemory memory;
    private final byte[] ram;
    private final Block[] jump = new Block[JUMP_SIZE];
    /** (physical address, EIP) -> block. */
    private final BlockTable blocks = new BlockTable();
    /** Physical page -> the blocks made from it, in translation order. */
    private final HashMap<Integer, List<Block>> byPage = new HashMap<>();
    private final BlockCompiler compiler;
    /** The block whose compiled code ran last (its successor links are set from the next lookup). */
    private Block last;
    /** Most blocks one {@link #run} chains before it returns to the run loop. */
    private static final int CHAIN = 64;
    /** Where compiled code is shared by content ({@link Cpu#useCodeCache}). */
    CodeCache cache = CodeCache.PROCESS;
    /** Blocks compiled so far (tests check that compiled code ran). */
    long compiled;
    /** Forms of blocks found compiled in {@link #cache} rather than compiled here (tests check sharing happened). */
    long shared;

    Translator(Cpu c, Executor x) {
        this.c = c;
        this.x = x;
        this.memory = c.memory;
        this.ram = c.memory.array();
        this.compiler = new BlockCompiler();
        memory.watchCode(this);
    }

    /**
     * The block to run at CS:EIP now, or null when the interpreter must take this instruction
     * (16-bit code, the page is not RAM, the fetch would fault, or the instruction may not be in a
     * block). Never faults.
     */
    Block lookup() {
        Cpu c = this.c;
        Executor x = this.x;
        x.checkCaches(); // as the interpreter's prepare() before an instruction
        int eip = c.eip;
        SegmentCache cs = c.seg[Cpu.CS];
        boolean big = (cs.access & 0x4000) != 0;
        if (!big) return null;
        int phys;
        try {
            phys = x.fetchPhys(eip);
        } catch (CpuFault f) {
            return null; // the interpreter fetches, faults and delivers
        }
        if (phys == -1 || (phys & 0xFFFFF000) > ram.length - 4096) return null; // open bus: the interpreter reads it
        int slot = (eip ^ (eip >>> 15)) & (JUMP_SIZE - 1);
        Block b = jump[slot];
        if (b == null || b.eip != eip || b.phys != phys || b.csBase != cs.base || b.big != big || !b.valid) {
            long key = BlockTable.key(phys, eip);
            b = blocks.get(key);
            if (b == null || !b.valid || b.csBase != cs.base || b.big != big) {
                b = translate(eip, cs.base, phys, big);
                blocks.put(key, b);
            }
            jump[slot] = b;
        }
        if (b.length == 0) return null;
        link(b);
        return b;
    }

    private Block translate(int eip, int csBase, int phys, boolean big) {
        int pageEnd = (phys & 0xFFFFF000) + 4096;
        List<Decoded> insns = new ArrayList<>();
        int at = phys, ip = eip;
        while (insns.size() < MAX_INSNS) {
            Decoded d = Decoded.decode(ram, at, pageEnd, big, ip);
            if (d == null) break;
            int role = role(d);
            if (role == STOP) break;
            insns.add(d);
            if (role == LAST && !Emitter.isCompiledJump(d)) break;
            // A trace (docs/block-translator.md §2): past a Jcc the block goes on with its
            // fall-through (the taken branch leaves it), past a JMP with its target, while that
            // is on the same page and not already in the block (a jump to the block's start
            // loops inside it; anywhere else back ends it).
            int go = Emitter.isJmp(d.op()) ? d.next() + d.imm() : d.next();
            if (((go ^ eip) & 0xFFFFF000) != 0 || role == LAST && inBlock(insns, go)) break;
            at = (phys & 0xFFFFF000) | (go & 0xFFF);
            ip = go;
        }
        Block b = new Block(eip, csBase, phys, big, insns.toArray(new Decoded[0]));
        if (b.length > 0) {
            // Code some CPU of the process compiled from the same bytes runs at once.
            b.shared = cache.entry(eip, big, content(insns, phys));
            b.code = fromCache(b, false);
            b.observedCode = fromCache(b, true);
            if (!memory.isCode(phys)) {
                memory.markCode(phys);
                x.dropWriteCache(); // stores into this page must now be seen
            }
            byPage.computeIfAbsent(b.page(), k -> new ArrayList<>()).add(b);
        }
        return b;
    }

    /**
     * The instructions' bytes in block order (a trace's follow its jumps): with the entry EIP and
     * CS.D they determine every instruction, its EIP and where the block ends (the code cache's key).
     */
    private byte[] content(List<Decoded> insns, int phys) {
        int total = 0;
        for (Decoded d : insns) total += d.length();
        byte[] bytes = new byte[total];
        int pos = 0, page = phys & 0xFFFFF000;
        for (Decoded d : insns) {
            System.arraycopy(ram, page | (d.eip() & 0xFFF), bytes, pos, d.length());
            pos += d.length();
        }
        return bytes;
    }

    private static boolean inBlock(List<Decoded> insns, int eip) {
        for (Decoded d : insns) {
            if (d.eip() == eip) return true;
        }
        return false;
    }

    /**
     * Runs {@code b}, or as much of it as fits below the icount {@code limit} (no interrupt is
     * pending). With {@code observed} (an instruction hook is registered) the instruction hooks
     * are called before each instruction. Either form is left after any instruction during which
     * a hook changed the registrations or asked for a stop (memory hooks alone run the plain form).
     */
    void run(Block b, boolean observed, long limit) {
        c.leaveBlock = false; // left over from writes outside any block
        long room = limit - c.icount;
        if (room < b.length) {
            // The limit falls inside: the interpreter runs the instructions before it, so the
            // next lookup is at a block boundary (or at the limit), not in the middle of this one.
            interpret(b, observed, (int) room);
            return;
        }
        BlockCode code = b.code(observed);
        if (code == null) {
            code = fromCache(b, observed); // published by another CPU since this block was made
            if (code == null) {
                // counted over every CPU that ran these bytes: replays too short to compile a
                // block compile it together (an undercount when threads race only delays it)
                if (++b.shared.runs < compileAfter) {
                    b.stepped++;
                    interpret(b, observed, b.length);
                    return;
                }
                code = b.shared.publish(observed, compiler.compile(b, observed));
                compiled++;
            }
            if (observed) b.observedCode = code;
            else b.code = code;
        }
        code.run(c, x);
        // Chaining (docs/block-translator.md §4): go on with a compiled successor on the same page while the
        // interpreter would fetch it through the same page translation and all of it fits, up
        // to CHAIN blocks; anything else goes back to the run loop (interrupt polls, stops, a
        // lookup). A successor link is only a guess: it is checked each time it is used.
        for (int n = 0; n < CHAIN && !c.leaveBlock && !c.pollIrq && !c.stopRequested; n++) {
            int eip = c.eip;
            Block next = b.next0;
            if (next == null || next.eip != eip) next = b.next1;
            BlockCode nextCode = next == null ? null : next.code(observed);
            if (nextCode == null || next.eip != eip || !next.valid || next.csBase != b.csBase
                    || x.fetchPhysCached(eip) != next.phys || c.icount + next.length > limit) {
                break;
            }
            nextCode.run(c, x);
            b = next;
        }
        last = b;
    }

    private BlockCode fromCache(Block b, boolean observed) {
        BlockCode code = b.shared.code(observed);
        if (code != null) shared++;
        return code;
    }

    /** Remembers {@code found} as a successor of the block run last (the next chaining guess). */
    private void link(Block found) {
        Block prev = last;
        if (prev == null || prev.next0 == found || prev.next1 == found) return;
        if (prev.next0 == null) prev.next0 = found;
        else prev.next1 = found; // the newest guess replaces the older second one
    }

    /**
     * Runs the first {@code n} instructions of a block through the interpreter, one
     * {@link Executor#step()} each (the same bytes: a store into them would have ended the block).
     */
    private void interpret(Block b, boolean observed, int n) {
        Cpu c = this.c;
        Executor x = this.x;
        for (int k = 0; k < n; k++) {
            if (observed) c.beforeInstruction();
            x.step();
            c.icount++;
            if (c.leaveBlock || observed && c.stopRequested) {
                c.leaveBlock = false;
                return;
            }
            if (k + 1 < n && c.eip != b.insns[k + 1].eip()) {
                // a branch left the block (a trace's side exit): counted for compiledLength()
                if (b.exits == null) b.exits = new int[b.length];
                b.exits[k]++;
                return;
            }
        }
    }

    /**
     * Executes decoded instruction {@code d} as the interpreter's step does after decoding it,
     * with {@code icount} the instruction's own count (it has not retired yet): what compiled
     * blocks call for every instruction the {@link Emitter} does not specialise.
     */
    static void step(Cpu c, Executor x, Decoded d, long icount) {
        c.icount = icount;
        x.start = d.eip();
        x.startEsp = c.reg[Cpu.ESP];
        x.decoded(d);
        c.eip = d.next();
        int op = d.op();
        if (op < 0x100) Dispatch.oneByte(x, op);
        else Dispatch.twoByte(x, op & 0xFF);
    }

    /** A store hit code page {@code page}: drops its blocks; the running block stops after this instruction. */
    @Override
    public void codeWritten(int page) {
        List<Block> list = byPage.remove(page);
        if (list != null) {
            for (Block b : list) {
                b.valid = false;
                blocks.remove(BlockTable.key(b.phys, b.eip), b);
            }
        }
        memory.clearCode(page);
        c.leaveBlock = true;
    }

    /** Forgets every block (state restored from a snapshot, RAM replaced). */
    void flush() {
        for (List<Block> list : byPage.values()) {
            for (Block b : list) b.valid = false;
        }
        byPage.clear();
        blocks.clear();
        Arrays.fill(jump, null);
        last = null;
        memory.clearAllCode();
        c.leaveBlock = false;
    }

    /**
     * Whether decoded instruction {@code d} may be in a block: {@link #MIDDLE} anywhere,
     * {@link #LAST} only as its last instruction (near transfers of control), {@link #STOP}
     * never (the interpreter runs it alone). See the class comment for why.
     */
    static int role(Decoded d) {
        int op = d.op();
        if (op >= 0x100) {
            switch (op & 0xFF) {
                case 0x80: case 0x81: case 0x82: case 0x83: case 0x84: case 0x85: case 0x86: case 0x87:
                case 0x88: case 0x89: case 0x8A: case 0x8B: case 0x8C: case 0x8D: case 0x8E: case 0x8F:
                    return LAST;                                  // Jcc rel16/32
                case 0x00: case 0x01: case 0x02: case 0x03:       // system groups, LAR, LSL
                case 0x06: case 0x08: case 0x09:                  // CLTS, INVD, WBINVD
                case 0x20: case 0x21: case 0x22: case 0x23:       // MOV CRn/DRn
                case 0x30: case 0x31: case 0x32:                  // WRMSR, RDTSC, RDMSR
                case 0xA1: case 0xA9:                             // POP FS/GS
                case 0xB2: case 0xB4: case 0xB5:                  // LSS, LFS, LGS
                    return STOP;
                default:
                    return MIDDLE;
            }
        }
        switch (op) {
            case 0x70: case 0x71: case 0x72: case 0x73: case 0x74: case 0x75: case 0x76: case 0x77:
            case 0x78: case 0x79: case 0x7A: case 0x7B: case 0x7C: case 0x7D: case 0x7E: case 0x7F:
            case 0xC2: case 0xC3:                                 // RET near
            case 0xE0: case 0xE1: case 0xE2: case 0xE3:           // LOOPcc, JECXZ
            case 0xE8: case 0xE9: case 0xEB:                      // CALL, JMP rel
                return LAST;
            case 0xFF:
                if (d.regf() == 2 || d.regf() == 4) return LAST;  // CALL/JMP near r/m
                return d.regf() == 3 || d.regf() == 5 ? STOP : MIDDLE;
            case 0x07: case 0x17: case 0x1F:                      // POP ES/SS/DS
            case 0x6C: case 0x6D: case 0x6E: case 0x6F:           // INS, OUTS
            case 0x8E:                                            // MOV Sreg
            case 0x9A: case 0xEA:                                 // far CALL/JMP
            case 0x9D:                                            // POPF
            case 0xC4: case 0xC5:                                 // LES, LDS
            case 0xCA: case 0xCB: case 0xCC: case 0xCD: case 0xCE: case 0xCF: // RETF, INT3, INT, INTO, IRET
            case 0xE4: case 0xE5: case 0xE6: case 0xE7: case 0xEC: case 0xED: case 0xEE: case 0xEF: // IN, OUT
            case 0xF4:                                            // HLT
            case 0xFA: case 0xFB:                                 // CLI, STI
                return STOP;
            case 0xA4: case 0xA5: case 0xA6: case 0xA7: case 0xAA: case 0xAB: case 0xAC: case 0xAD: case 0xAE: case 0xAF:
                return d.rep() != 0 ? STOP : MIDDLE;              // REP: one iteration per icount, in the interpreter
            default:
                return MIDDLE;
        }
    }
}
