/**
 * The kerf PC's chipset and devices, one class per chip, assembled by {@link
 * dev.kerf.emulator.device.PcPlatform} behind the CPU's {@link dev.kerf.emulator.cpu.CpuBus}.
 *
 * <h2>Port and IRQ map (QEMU's pc machine with -nodefaults)</h2>
 * <pre>
 * 0x020-0x021, 0x0A0-0x0A1  PicPair      8259A master/slave (slave on IRQ2), ELCR at 0x4D0-0x4D1
 * 0x040-0x043               Pit8254      IRQ0 from channel 0; 0x061 PortB (channel 2 gate/OUT)
 * 0x070-0x071               Cmos         MC146818 RTC + CMOS RAM, IRQ8 (periodic, update-ended)
 * 0x092                     PortA        fast A20 (A20 always on)
 * 0x0F4-0x0F7               DebugExit    isa-debug-exit: status (v &lt;&lt; 1) | 1
 * 0x1F0-0x1F7, 0x3F6        AtaDisk      IRQ14, PIO, master disk only
 * 0x300-0x31F               Ne2000       IRQ9, data port 0x310, reset 0x31F
 * 0x3F8-0x3FF               Uart16550    COM1, IRQ4
 * 0x080, 0xCF8-0xCFF, rest  unmapped     read all-ones, writes ignored ("no PCI bus")
 * </pre>
 * Power-on state is what SeaBIOS leaves a Multiboot kernel under QEMU where it matters (PIC
 * vectors 0x08/0x70 and masks, PIT channel 0 in mode 2 at 18.2 Hz, COM1 MCR = OUT2).
 * {@code PortScriptQemuTest} runs the same port accesses here and under qemu-system-i386 and
 * compares every answer.
 *
 * <h2>Time</h2>
 * Devices read time only from the {@link dev.kerf.emulator.device.Clock} (nanoseconds since
 * machine start) and change IRQ lines only inside {@link dev.kerf.emulator.device.PcPlatform#poll()}
 * or a port access, both on the machine thread. Nothing is stepped per tick: the PIT computes
 * counts from the clock, and {@code poll()} raises one IRQ0 edge when one or more channel 0 period
 * boundaries passed since the last poll. {@link dev.kerf.emulator.device.PcPlatform#nextDeadlineNanos()}
 * is the earliest time a poll can change something: the next PIT edge (left out while IRQ0 is
 * masked with a request already latched), the next RTC periodic/update event (when enabled and
 * not already flagged), the next console byte or UART character timeout, the
 * next pcap frame (left out while the NIC is stopped or its ring is full).
 *
 * <p>With a {@link dev.kerf.emulator.device.VirtualClock} ({@code nanos = icount + idle skips}, 1 ns
 * per instruction; TSC = nanos, 1 GHz) every answer is a function of the execution, provided the
 * machine polls at deterministic points (when the clock passes the deadline). Console input is
 * then read synchronously on the machine thread, one byte at most per poll and at least 86,806 ns
 * (one 10-bit character at 115200 baud) apart, first at 86,806 ns, only while the receive FIFO has
 * room — a blocking read is fine, virtual time stands still. Network frames are due at their
 * capture time minus the first frame's. The RTC reads {@code rtcEpochSeconds + nanos / 1e9}.
 *
 * <p>With a {@link dev.kerf.emulator.device.HostClock} time is the host's monotonic clock; a daemon
 * thread reads console input into a queue (the only cross-thread hand-over) and wakes the clock's
 * {@code idleUntil}.
 */
package dev.kerf.emulator.device;
