package dev.kerf.emulator.cpu;

import dev.kerf.emulator.hook.InstructionHook;
import dev.kerf.emulator.mmu.Mmu;
import dev.kerf.emulator.mmu.PhysicalMemory;

/**
 * The IA-32 CPU: architectural state plus the fetch-decode-execute loop.
 *
 * <p>State fields are public and plain because the instruction families ({@code Arith},
 * {@code Move}, ...) and the protected-mode classes ({@code InterruptDelivery},
 * {@code SegmentLoader}, {@code SystemOps}) all work on them on the hot path; getters would add
 * nothing but noise. Arithmetic flags are lazy (see {@code Flags}); read EFLAGS only through
 * {@link #getEflags()} and write it only through {@link #setEflags(int)}.
 *
 * <p>Ownership: the decoder/executor owns {@link #run(long)} and the flag representation; the
 * protected-mode classes own descriptor loads, exception/interrupt delivery and the MMU.
 */
public final class Cpu {
    public static final int EAX = 0, ECX = 1, EDX = 2, EBX = 3, ESP = 4, EBP = 5, ESI = 6, EDI = 7;
    public static final int ES = 0, CS = 1, SS = 2, DS = 3, FS = 4, GS = 5;

    /** General registers, indexed by their x86 encoding. */
    public final int[] reg = new int[8];
    public int eip;

    /** ES, CS, SS, DS, FS, GS, indexed by their encoding. */
    public final SegmentCache[] seg = {new SegmentCache(), new SegmentCache(), new SegmentCache(),
            new SegmentCache(), new SegmentCache(), new SegmentCache()};
    public final SegmentCache ldtr = new SegmentCache();
    public final SegmentCache tr = new SegmentCache();
    public int gdtBase, gdtLimit, idtBase, idtLimit;

    public int cr0, cr2, cr3, cr4;
    /** Current privilege level: CS.RPL in protected mode. */
    public int cpl;

    /** Instructions retired since the machine started (design §3). */
    public long icount;
    /** Set by HLT, cleared when an interrupt is delivered. While set, icount stands still. */
    public boolean halted;
    /** See {@link #faultsSinceRetire()}: the icount of the last fault and faults delivered at it. */
    private long faultIcount = -1;
    private int faultsAtIcount;

    /** Debug registers DR0-DR7: stored and read back by MOV DRn, otherwise without effect. */
    public final int[] dr = new int[8];

    /** The x87 FPU (registers, control/status/tag words, last instruction and operand pointers). */
    public final dev.kerf.emulator.cpu.fpu.FpuState fpu = new dev.kerf.emulator.cpu.fpu.FpuState();

    public final PhysicalMemory memory;
    public final Mmu mmu;
    public final CpuBus bus;
    /** Replay-time observers (design §6); empty unless an analysis registers one. */
    public final dev.kerf.emulator.hook.Hooks hooks = new dev.kerf.emulator.hook.Hooks();

    // ---- lazy flags (see Flags): package-private, only the executor and Flags touch them ----
    /** EFLAGS bits that are not lazy: every non-arithmetic bit, and arithmetic bits not in lazyMask. */
    int flagBits = 2;
    /** Which of CF PF AF ZF SF OF are computed from the lazy fields below. */
    int lazyMask;
    int fKind, fOp1, fOp2, fRes, fMask = -1;

    /**
     * The running translated block must stop after the current instruction: a store hit a page
     * blocks were made from (see {@link Translator}), or a hook changed the registrations.
     */
    boolean leaveBlock;

    // ---- run-loop state ----
    /** INTR must be looked at before the next instruction (see run()). */
    boolean pollIrq = true;
    /** The next instruction runs with interrupts held off (after STI, MOV SS, POP SS). */
    boolean shadow;
    /** Set by an instruction whose software interrupt escalated to a triple fault. */
    boolean tripleFault;
    /** The exception whose delivery ended in the last triple fault (null: none yet, or an interrupt's). */
    private CpuFault tripleFaultCause;
    /** Package-private: observed blocks stop after the instruction during which a hook asked for it. */
    volatile boolean stopRequested;
    /** The {@link #hooks} version the run loop picked its path for (see {@link #pickPath()}). */
    private int hookVersion = -1;
    /** A hook changed the registrations: the run loop re-picks its path at its next poll. */
    private boolean hooksChanged;
    /** An instruction hook is registered: run() takes {@link #runObserved}. */
    private boolean observedPath;
    private final MemoryHookCalls memoryHookCalls = new MemoryHookCalls(this);
    /** Package-private so tests can single-step and see a CpuFault directly. */
    final Executor exec;
    final Translator translator;

    public Cpu(PhysicalMemory memory, CpuBus bus) {
        this.memory = memory;
        this.bus = bus;
        this.mmu = new Mmu(memory);
        this.exec = new Executor(this);
        this.translator = new Translator(this, exec);
    }

    /**
     * Makes the translator share compiled blocks through {@code cache} instead of the process's
     * ({@link CodeCache#PROCESS}); for tests that count compilations or need a cold translator.
     * Call it before the first run: blocks already made keep the code they found.
     */
    void useCodeCache(CodeCache cache) {
        translator.cache = java.util.Objects.requireNonNull(cache, "cache");
    }

    /**
     * How instructions are executed. Both engines give identical results (registers, flags,
     * memory, icount, exceptions); {@link #INTERPRETER} is the reference, one instruction at a
     * time through the table-driven decoder, and {@link #TRANSLATOR} the default.
     */
    public enum Engine { INTERPRETER, TRANSLATOR }

    /**
     * The engine a new CPU starts with: {@link Engine#TRANSLATOR}, or the interpreter when the
     * system property {@code kerf.cpu} is {@code interpreter} (to compare the two on a whole
     * guest: both give the same results, so this changes speed only).
     */
    private Engine engine = "interpreter".equals(System.getProperty("kerf.cpu")) ? Engine.INTERPRETER : Engine.TRANSLATOR;

    /** Picks the execution engine (default {@link Engine#TRANSLATOR}); takes effect at the next instruction. */
    public void setEngine(Engine engine) {
        this.engine = java.util.Objects.requireNonNull(engine, "engine");
    }

    public Engine engine() {
        return engine;
    }

    /** EFLAGS with the lazy arithmetic flags materialised. */
    public int getEflags() {
        Flags.materialize(this);
        return flagBits | 2;
    }

    /** Writes all of EFLAGS (reserved bits forced to their fixed values), no privilege checks. */
    public void setEflags(int value) {
        flagBits = (value & Flags.WRITABLE) | 2;
        lazyMask = 0;
        pollIrq = true; // IF may have changed
    }

    /** Changes CPL and tells the MMU (user accesses are checked against U/S at CPL 3). */
    public void setCpl(int cpl) {
        this.cpl = cpl;
        mmu.setUser(cpl == 3);
    }

    /**
     * Executes instructions until {@link #icount} reaches {@code icountLimit}, the CPU halts with
     * nothing to deliver, a triple fault, or {@link #requestStop()}.
     *
     * <p>INTR is consulted only when it can have changed (design §3: devices move IRQ lines only
     * during the machine's poll between run() calls or during a port access): at entry, after
     * IN/OUT/INS/OUTS, after anything that may set IF (STI, POPF, IRET, setEflags) and after an
     * interrupt or exception delivery. An external interrupt is taken before an instruction when
     * IF=1 and no STI/MOV SS shadow is open. A faulting instruction does not retire: EIP, ESP and
     * the flags are rewound to the instruction's start and the exception is delivered.
     *
     * <p>Hooks ({@link #hooks}): the loop is picked at entry, and again before the next instruction
     * when a hook registers or removes hooks (see {@link #pickPath()}).
     */
    public CpuStop run(long icountLimit) {
        for (;;) {
            Executor x = exec;
            x.limit = icountLimit;
            pickPath();
            pollIrq = true;
            CpuStop stop = observedPath ? runObserved(icountLimit) : runFast(icountLimit);
            if (stop != null) return stop;
        }
    }

    /**
     * Chooses the path from the registered hooks ({@link dev.kerf.emulator.hook.Hooks#observesEveryInstruction()}
     * true means one of the two below applies). With an instruction hook the CPU runs
     * {@link #runObserved} (one REP iteration per step). With a memory hook every data access of
     * the kinds it observes (reads, writes: {@link dev.kerf.emulator.hook.Hooks#memoryReaders}) is
     * routed through the MMU's reporting slow path (that side of the executor's data micro-TLB stays empty).
     * With an instruction hook translated blocks run their observed form (instruction hooks called
     * before each instruction), with memory hooks alone their plain form, whose observed accesses
     * take the slow path; either leaves the block after any instruction during which a hook
     * changed the registrations or asked for a stop, exactly where the interpreter's loop would
     * notice ({@link #memoryHooksRan()}).
     * Without either, nothing on the fast path looks at hooks.
     */
    private void pickPath() {
        hooksChanged = false;
        if (hooks.version() == hookVersion) return; // unchanged: keep the caches warm
        hookVersion = hooks.version();
        observedPath = hooks.instruction.length != 0;
        boolean reads = hooks.memoryReaders.length != 0, writes = hooks.memoryWriters.length != 0;
        exec.setObserved(observedPath, reads, writes);
        mmu.observe(reads || writes ? memoryHookCalls : null, reads, writes);
    }

    /** The run loop without instruction hooks; returns null when a hook changed the registrations. */
    private CpuStop runFast(long icountLimit) {
        Executor x = exec;
        for (;;) {
            if (stopRequested) {
                stopRequested = false;
                return CpuStop.STOP_REQUESTED;
            }
            if (icount >= icountLimit) return CpuStop.LIMIT;
            if (pollIrq && !shadow) {
                pollIrq = false;
                if (hooksChanged) return null;
                if ((flagBits & Flags.IF) != 0 && bus.interruptRequested()) {
                    if (!takeInterrupt()) return CpuStop.TRIPLE_FAULT;
                    continue;
                }
            }
            if (halted) return CpuStop.HALTED;
            shadow = false;
            try {
                if (ranBlock(icountLimit)) continue;
                x.step();
                icount++;
            } catch (CpuFault f) {
                if (!deliverFault(x, f)) return CpuStop.TRIPLE_FAULT;
                continue;
            }
            if (tripleFault) {
                tripleFault = false;
                return CpuStop.TRIPLE_FAULT;
            }
        }
    }

    /**
     * {@link #runFast} for instruction hooks: instruction hooks called before each instruction,
     * interpreted or in an observed block. Same semantics, same results; returns
     * null when a hook changed the registrations.
     */
    private CpuStop runObserved(long icountLimit) {
        Executor x = exec;
        for (;;) {
            if (stopRequested) {
                stopRequested = false;
                return CpuStop.STOP_REQUESTED;
            }
            if (icount >= icountLimit) return CpuStop.LIMIT;
            if (pollIrq && !shadow) {
                pollIrq = false;
                if (hooksChanged) return null;
                if ((flagBits & Flags.IF) != 0 && bus.interruptRequested()) {
                    if (!takeInterrupt()) return CpuStop.TRIPLE_FAULT;
                    continue;
                }
            }
            if (halted) return CpuStop.HALTED;
            shadow = false;
            try {
                if (ranBlock(icountLimit)) continue;
                beforeInstruction();
                x.step();
                icount++;
            } catch (CpuFault f) {
                if (!deliverFault(x, f)) return CpuStop.TRIPLE_FAULT;
                continue;
            }
            if (tripleFault) {
                tripleFault = false;
                return CpuStop.TRIPLE_FAULT;
            }
        }
    }

    /**
     * Runs the translated block at EIP, if the engine is the translator, no interrupt poll is
     * pending and there is one (its compiled code only when all of it ends by the limit, design
     * §3); false when the interpreter must take the next instruction.
     */
    private boolean ranBlock(long icountLimit) {
        if (engine != Engine.TRANSLATOR || pollIrq) return false;
        Block b = translator.lookup();
        if (b == null) return false;
        translator.run(b, observedPath, icountLimit);
        return true;
    }

    /** Calls the instruction hooks (the interpreter's observed loop and observed blocks). */
    void beforeInstruction() {
        InstructionHook[] hs = hooks.instruction;
        if (hs.length == 0) return;
        for (InstructionHook h : hs) h.beforeInstruction(this);
        hooksMayHaveChanged();
    }

    private boolean takeInterrupt() {
        int vector = bus.acknowledgeInterrupt();
        halted = false;
        pollIrq = true;
        boolean delivered = InterruptDelivery.deliver(this, vector, InterruptDelivery.EXTERNAL, false, 0);
        tripleFaultCause = delivered ? tripleFaultCause : null;
        return delivered;
    }

    /** Rewinds the faulting instruction and delivers the exception; false on a triple fault. */
    private boolean deliverFault(Executor x, CpuFault f) {
        if (faultIcount != icount) {
            faultIcount = icount;
            faultsAtIcount = 0;
        }
        faultsAtIcount++;
        eip = x.start;
        reg[ESP] = x.startEsp;
        x.restoreFlags();
        shadow = false;
        pollIrq = true;
        boolean delivered = InterruptDelivery.deliverFault(this, f); // sets CR2 for #PF
        tripleFaultCause = delivered ? tripleFaultCause : f;
        return delivered;
    }

    /**
     * The exception raised by the instruction at {@link #eip} whose delivery escalated to the last
     * triple fault (#UD for an opcode kerf does not implement, say), or null when the triple fault
     * came from delivering an external or software interrupt.
     */
    public CpuFault tripleFaultCause() {
        return tripleFaultCause;
    }

    /**
     * Address (CS offset) of the instruction being executed, for hooks called in the middle of
     * one (memory hooks): {@link #eip} may already point past it. During an interrupt or exception
     * delivery it is the last instruction started.
     */
    public int instructionAddress() {
        return exec.start;
    }

    /**
     * Exceptions delivered since the last instruction retired (at the current icount). A faulting
     * instruction does not retire, so one icount can see several interrupt polls: before the
     * faulting instruction and again at its handler. This count tells them apart, which lets a
     * recorded interrupt name its place by (icount, faults) alone (see the journal format).
     */
    public int faultsSinceRetire() {
        return faultIcount == icount ? faultsAtIcount : 0;
    }

    /** For {@link CpuState#restore}: makes {@link #faultsSinceRetire()} report {@code faults} at the current icount. */
    void restoreFaultsSinceRetire(int faults) {
        faultIcount = faults > 0 ? icount : -1;
        faultsAtIcount = faults;
    }

    /**
     * Called after a hook ran: if it registered or removed hooks, the run loop re-picks its path
     * (observed or fast) before the next instruction.
     */
    void hooksMayHaveChanged() {
        if (hooks.version() != hookVersion) {
            hooksChanged = true;
            pollIrq = true;
            leaveBlock = true;
        }
    }

    /**
     * Called after memory hooks ran: as {@link #hooksMayHaveChanged()}, and if one asked for a stop,
     * a block running leaves after the current instruction (the plain form, which memory hooks alone
     * run, looks only at {@link #leaveBlock}, after every instruction that may access memory).
     */
    void memoryHooksRan() {
        hooksMayHaveChanged();
        if (stopRequested) leaveBlock = true;
    }

    /**
     * Makes the current {@link #run(long)} return STOP_REQUESTED after the current instruction (or
     * the next run() return it at once, if none is running). Safe to call from another thread;
     * a request from another thread is seen within {@value Emitter#LOOP_BUDGET} instructions.
     */
    public void requestStop() {
        stopRequested = true;
    }
}
