package dev.kerf.emulator.introspect;

import dev.kerf.emulator.cpu.Cpu;
import dev.kerf.emulator.mmu.PhysicalMemory;

import java.nio.charset.StandardCharsets;

/**
 * The kerf guest's profile, read from its {@code kerf_introspect} export (docs/guest.md,
 * "Introspection export"): version 1.x at physical {@link #EXPORT_ADDRESS}. The system call
 * convention is Linux i386 ({@code int 0x80}, number in eax, arguments in ebx ecx edx esi edi,
 * result in eax), which the export confirms through its vector.
 */
public record KerfGuestProfile(int procTable, int procSize, int procCount, int currentPtr, int offPid, int offPpid,
                               int offName, int nameLen, int offState, int offCr3, int offExitStatus,
                               int offTrapFrame, int stateUnused, int stateZombie, int syscallVector,
                               int versionMinor) implements I386LinuxAbi {
    /** Where the linker script puts the export: right after the Multiboot header. */
    public static final int EXPORT_ADDRESS = 0x0010_0020;
    public static final int MAJOR = 1;
    /** Size of the version 1.0 structure; later minors only append. */
    public static final int SIZE_1_0 = 136;
    private static final byte[] MAGIC = "KERFINTR".getBytes(StandardCharsets.US_ASCII);
    private static final int MAX_SIZE = 4096, MAX_PROCS = 4096, MAX_PROC_SIZE = 65536;
    private static final int[] ARGS = {Cpu.EBX, Cpu.ECX, Cpu.EDX, Cpu.ESI, Cpu.EDI};

    /**
     * Reads and checks the export from a booted kernel's memory.
     *
     * @throws IntrospectionException (one line) when there is none, it has another major version
     *                                or its fields do not describe a table inside RAM
     */
    public static KerfGuestProfile read(PhysicalMemory memory) {
        return readExport(memory);
    }

    /** Whether RAM holds the export's magic at all (a kerf guest, whether or not its export is readable). */
    public static boolean present(PhysicalMemory memory) {
        if (!memory.contains(EXPORT_ADDRESS, MAGIC.length)) return false;
        for (int i = 0; i < MAGIC.length; i++) {
            if (memory.read8(EXPORT_ADDRESS + i) != (MAGIC[i] & 0xFF)) return false;
        }
        return true;
    }

    private static KerfGuestProfile readExport(PhysicalMemory memory) {
        int at = EXPORT_ADDRESS;
        if (!memory.contains(at, SIZE_1_0)) throw bad("RAM ends before it");
        for (int i = 0; i < MAGIC.length; i++) {
            if (memory.read8(at + i) != (MAGIC[i] & 0xFF)) {
                throw bad("magic is not KERFINTR: this kernel is not the kerf guest or is too old");
            }
        }
        int major = memory.read16(at + 8), minor = memory.read16(at + 10);
        if (major != MAJOR) {
            throw bad("version " + major + "." + minor + " is not supported (this kerf reads version " + MAJOR + ".x)");
        }
        int size = memory.read32(at + 12);
        if (size < SIZE_1_0 || size > MAX_SIZE) throw bad("size " + size + " is not between " + SIZE_1_0 + " and " + MAX_SIZE);
        KerfGuestProfile p = new KerfGuestProfile(u(memory, 16), u(memory, 20), u(memory, 24), u(memory, 28),
                u(memory, 32), u(memory, 36), u(memory, 40), u(memory, 44), u(memory, 48), u(memory, 52),
                u(memory, 68), u(memory, 72), u(memory, 84), u(memory, 104), u(memory, 128), minor);
        p.check(memory);
        return p;
    }

    private static int u(PhysicalMemory memory, int off) {
        return memory.read32(EXPORT_ADDRESS + off);
    }

    private void check(PhysicalMemory memory) {
        if (procCount <= 0 || procCount > MAX_PROCS) throw bad("proc_count " + Integer.toUnsignedString(procCount) + " is not 1-" + MAX_PROCS);
        if (procSize < 4 || procSize > MAX_PROC_SIZE) throw bad("proc_size " + Integer.toUnsignedString(procSize) + " is not 4-" + MAX_PROC_SIZE);
        if (!memory.contains(Integer.toUnsignedLong(procTable), procSize * procCount)) {
            throw bad(String.format("the process table at 0x%08x (%d x %d bytes) is outside RAM", procTable, procCount, procSize));
        }
        if (!memory.contains(Integer.toUnsignedLong(currentPtr), 4)) throw bad(String.format("current_ptr 0x%08x is outside RAM", currentPtr));
        if (nameLen <= 0 || nameLen > 256) throw bad("name_len " + Integer.toUnsignedString(nameLen) + " is not 1-256");
        field("off_pid", offPid, 4);
        field("off_ppid", offPpid, 4);
        field("off_state", offState, 4);
        field("off_cr3", offCr3, 4);
        field("off_exit_status", offExitStatus, 4);
        field("off_tf", offTrapFrame, 4);
        field("off_name", offName, nameLen);
        if (syscallVector < 0 || syscallVector > 255) throw bad("syscall_vector " + Integer.toUnsignedString(syscallVector) + " is not 0-255");
    }

    private void field(String name, int off, int bytes) {
        if (off < 0 || off + bytes > procSize) {
            throw bad(name + " " + Integer.toUnsignedString(off) + " does not fit a " + procSize + "-byte process record");
        }
    }

    private static IntrospectionException bad(String why) {
        return new IntrospectionException(String.format("the guest kernel's introspection export at physical 0x%08x: %s",
                EXPORT_ADDRESS, why));
    }

    /** eax is the 8th u32 of the trap frame (after pushal's edi esi ebp esp ebx edx ecx). */
    /** Offset of the saved user EAX inside a trap frame. */
    public int trapFrameEax() { return 28; }

    @Override
    public java.util.List<GuestProcess> processes(GuestMemory memory) {
        java.util.List<GuestProcess> l = new java.util.ArrayList<>();
        for (int i = 0; i < procCount; i++) {
            GuestProcess p = at(memory, procTable + i * procSize);
            if (p != null) l.add(p);
        }
        return l;
    }

    @Override
    public GuestProcess current(GuestMemory memory) {
        int cur = memory.u32(currentPtr);
        return cur == 0 ? null : at(memory, cur);
    }

    @Override
    public int currentPid(GuestMemory memory) {
        int cur = memory.u32(currentPtr);
        return cur == 0 || memory.u32(cur + offState) == stateUnused ? -1 : memory.u32(cur + offPid);
    }

    @Override
    public int interruptedCallResult(GuestMemory memory, GuestProcess process) {
        int tf = memory.u32((int) process.handle() + offTrapFrame);
        return memory.u32(tf + trapFrameEax());
    }

    /** The record at {@code rec}, or null for a free one. */
    private GuestProcess at(GuestMemory memory, int rec) {
        int state = memory.u32(rec + offState);
        if (state == stateUnused) return null;
        return new GuestProcess(memory.u32(rec + offPid), memory.u32(rec + offPpid), memory.cString(rec + offName, nameLen),
                memory.u32(rec + offCr3), state == stateZombie, memory.u32(rec + offExitStatus), Integer.toUnsignedLong(rec));
    }


    @Override
    public String guest() { return "kerf"; }

    /** The example OS passes five arguments (no EBP). */
    @Override
    public int[] syscallArgumentRegisters() { return ARGS.clone(); }




    /** The kerf guest's calls that fill user memory (docs/guest.md "System calls"; the kernel's copy_to_user sites). */
    @Override
    public java.util.List<OutputBuffer> outputBuffers(int nr, int[] a, int result) {
        if (result < 0 && nr != 13) return java.util.List.of();
        return switch (nr) {
            case 3, 220 -> result > 0 ? one(a[1], result) : java.util.List.of();       // read, getdents64: the bytes returned
            case 7 -> a[1] != 0 && result > 0 ? one(a[1], 4) : java.util.List.of();     // waitpid: the status
            case 13 -> a[0] != 0 ? one(a[0], 4) : java.util.List.of();                  // time(t*): the time (any u32 result)
            case 42 -> one(a[0], 8);                                                     // pipe: two descriptors
            case 54 -> one(a[2], 6);                                                     // ioctl SIOCGIFHWADDR: the MAC
            case 108 -> one(a[1], 64);                                                   // fstat: struct stat
            case 122 -> one(a[0], 6 * 65);                                               // uname: new_utsname
            case 500 -> result > 0 ? one(a[0], 28 * (Integer.compareUnsigned(result, a[1]) < 0 ? result : a[1])) // kerf_ps records
                    : java.util.List.of();
            default -> java.util.List.of();
        };
    }

    private static java.util.List<OutputBuffer> one(int address, int length) {
        return length > 0 ? java.util.List.of(new OutputBuffer(address, length)) : java.util.List.of();
    }

    /** Linux: exit(code) gives the wait status {@code (code & 0xff) << 8}. */
}
