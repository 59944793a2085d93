package dev.kerf.emulator.device;

/**
 * The PC's two cascaded 8259As: master at 0x20/0x21 (IRQ0-7), slave at 0xA0/0xA1 (IRQ8-15) whose
 * INT output drives the master's IRQ2, and their edge/level control registers at 0x4D0/0x4D1. Implements the CPU's INTR line and INTA cycle.
 *
 * <p>Power-on state is what SeaBIOS leaves for a Multiboot kernel under QEMU (measured): vectors
 * 0x08 and 0x70, IMR 0xB8 (timer, keyboard, cascade and floppy unmasked) and 0x8E. Kernels
 * reprogram both chips before they enable interrupts anyway.
 * An INTA with nothing left to deliver (the request went away or got masked after INTR was seen)
 * answers the spurious vector: IRQ7 of the master, or IRQ15 when the slave had nothing, with no
 * ISR bit set, as the 8259A does.
 */
public final class PicPair implements IoDevice {
    // ELCR: IRQ10/11 level-triggered (PCI), as SeaBIOS leaves QEMU's PIIX; QEMU's writable masks.
    private final Pic8259 master = new Pic8259(true, 0x08, 0xB8, 0x00, 0xF8);
    private final Pic8259 slave = new Pic8259(false, 0x70, 0x8E, 0x0C, 0xDE);
    /** INTR, recomputed after every change so the CPU's per-instruction check is a field read. */
    private boolean intr;

    /** The wire for {@code irq} 0..15 (2 is the cascade and is not offered). */
    public IrqLine line(int irq) {
        if (irq < 0 || irq > 15 || irq == 2) {
            throw new IllegalArgumentException("no device IRQ line " + irq);
        }
        return high -> setIrq(irq, high);
    }

    public void setIrq(int irq, boolean high) {
        if (irq < 8) {
            master.setInput(irq, high);
        } else {
            slave.setInput(irq - 8, high);
        }
        update();
    }

    /** INTR: the master has an unmasked request that outranks everything in service. */
    public boolean interruptRequested() {
        return intr;
    }

    /** INTA: the vector to deliver; the IRQ moves to ISR. */
    public int acknowledgeInterrupt() {
        int irq = master.pendingIrq();
        int vector;
        if (irq == Pic8259.NONE) {
            vector = master.vector(7);
        } else {
            master.acknowledge(irq);
            if (irq == 2) {
                int slaveIrq = slave.pendingIrq();
                if (slaveIrq == Pic8259.NONE) {
                    vector = slave.vector(7);
                } else {
                    slave.acknowledge(slaveIrq);
                    vector = slave.vector(slaveIrq);
                }
            } else {
                vector = master.vector(irq);
            }
        }
        update();
        return vector;
    }

    /** True when {@code irq} is masked and a request is already latched: more edges change nothing. */
    public boolean isLatchedAndMasked(int irq) {
        Pic8259 chip = irq < 8 ? master : slave;
        return chip.isMasked(irq & 7) && chip.isRequested(irq & 7);
    }

    @Override
    public int read(int port, int size) {
        if ((port & 0xFFFE) == 0x4D0) {
            return (port & 1) == 0 ? master.elcr() : slave.elcr();
        }
        Pic8259 chip = (port & 0x80) != 0 ? slave : master;
        int value = (port & 1) == 0 ? chip.readCommand() : chip.readData();
        update(); // a poll read acknowledges
        return value;
    }

    @Override
    public void write(int port, int size, int value) {
        if ((port & 0xFFFE) == 0x4D0) {
            (((port & 1) == 0) ? master : slave).setElcr(value & 0xFF);
            update();
            return;
        }
        Pic8259 chip = (port & 0x80) != 0 ? slave : master;
        if ((port & 1) == 0) {
            chip.writeCommand(value & 0xFF);
        } else {
            chip.writeData(value & 0xFF);
        }
        update();
    }

    /** Snapshot state: the master's 9 bytes, then the slave's (see {@link Pic8259#save}); INTR is derived. */
    void save(StateWriter w) {
        master.save(w);
        slave.save(w);
    }

    void load(StateReader r) {
        r.device("PIC master");
        master.load(r);
        r.device("PIC slave");
        slave.load(r);
        intr = master.pendingIrq() != Pic8259.NONE; // the cascade input's level is in the master's state
    }

    /** The slave's INT output is a level on the master's IRQ2 input; the master's is INTR. */
    private void update() {
        master.setInput(2, slave.pendingIrq() != Pic8259.NONE);
        intr = master.pendingIrq() != Pic8259.NONE;
    }
}
