package dev.kerf.emulator.device;

/**
 * One Intel 8259A programmable interrupt controller, with the PIIX edge/level control register
 * (ELCR) of a PC: an input whose ELCR bit is set is level-triggered (IRR follows the line and INTA
 * does not clear it), the others latch on a rising edge.
 *
 * <p>Registers: IRR (requests latched on a rising input edge), ISR (in service), IMR (OCW1).
 * Initialisation ICW1..ICW4 through the command/data ports; OCW2 EOI (non-specific, specific,
 * rotating), set priority; OCW3 read IRR/ISR, poll command and special mask mode. Priority is
 * fully nested with an optional rotation ({@code priorityAdd}: the IRQ that currently has the
 * highest priority). The cascade wiring is done by {@link PicPair}.
 */
final class Pic8259 {
    static final int NONE = -1;

    private int irr;
    private int isr;
    private int imr;
    private int lastLevel;
    private int vectorBase;
    private int priorityAdd;
    private int initStep;
    private boolean needIcw4;
    private boolean singleMode;
    private boolean autoEoi;
    private boolean rotateOnAutoEoi;
    private boolean readIsr;
    private boolean pollPending;
    private boolean specialMask;
    private boolean specialFullyNested;
    private final boolean master;
    private final int elcrMask;
    private int elcr;

    Pic8259(boolean master, int vectorBase, int imr, int elcr, int elcrMask) {
        this.master = master;
        this.vectorBase = vectorBase;
        this.imr = imr;
        this.elcrMask = elcrMask;
        this.elcr = elcr & elcrMask;
    }

    /** The input wire {@code irq} (0..7) changes level; a rising edge latches IRR. */
    void setInput(int irq, boolean high) {
        int bit = 1 << irq;
        if ((elcr & bit) != 0) {
            irr = high ? irr | bit : irr & ~bit;
            lastLevel = high ? lastLevel | bit : lastLevel & ~bit;
        } else if (high) {
            if ((lastLevel & bit) == 0) {
                irr |= bit;
            }
            lastLevel |= bit;
        } else {
            lastLevel &= ~bit;
        }
    }

    /** The IRQ this chip would present to the CPU now (NONE if none outranks what is in service). */
    int pendingIrq() {
        int priority = priorityOf(irr & ~imr);
        if (priority == 8) {
            return NONE;
        }
        int inService = isr;
        if (specialMask) {
            inService &= ~imr;
        }
        if (specialFullyNested && master) {
            inService &= ~(1 << 2);
        }
        return priority < priorityOf(inService) ? (priority + priorityAdd) & 7 : NONE;
    }

    /** The INTA cycle for {@code irq}: moves it from IRR to ISR (or not, with auto-EOI). */
    void acknowledge(int irq) {
        if (autoEoi) {
            if (rotateOnAutoEoi) {
                priorityAdd = (irq + 1) & 7;
            }
        } else {
            isr |= 1 << irq;
        }
        if ((elcr & (1 << irq)) == 0) {
            irr &= ~(1 << irq); // a level-triggered request stays while its line is high
        }
    }

    int elcr() {
        return elcr;
    }

    void setElcr(int value) {
        elcr = value & elcrMask;
    }

    int vector(int irq) {
        return (vectorBase + irq) & 0xFF;
    }

    boolean isMasked(int irq) {
        return (imr & (1 << irq)) != 0;
    }

    boolean isRequested(int irq) {
        return (irr & (1 << irq)) != 0;
    }

    /** Read of the command port (A0=0): poll answer, or IRR/ISR as OCW3 selected. */
    int readCommand() {
        if (pollPending) {
            pollPending = false;
            int irq = pendingIrq();
            if (irq == NONE) {
                return 0;
            }
            acknowledge(irq);
            return 0x80 | irq;
        }
        return readIsr ? isr : irr;
    }

    /** Read of the data port (A0=1): the IMR. */
    int readData() {
        return imr;
    }

    void writeCommand(int value) {
        if ((value & 0x10) != 0) {
            icw1(value);
        } else if ((value & 0x08) != 0) {
            ocw3(value);
        } else {
            ocw2(value);
        }
    }

    void writeData(int value) {
        switch (initStep) {
            case 1 -> {
                vectorBase = value & 0xF8;
                initStep = singleMode ? (needIcw4 ? 3 : 0) : 2;
            }
            case 2 -> initStep = needIcw4 ? 3 : 0; // ICW3: the cascade wiring is fixed (IRQ2)
            case 3 -> {
                specialFullyNested = (value & 0x10) != 0;
                autoEoi = (value & 0x02) != 0;
                initStep = 0;
            }
            default -> imr = value & 0xFF;
        }
    }

    private void icw1(int value) {
        irr = 0;
        isr = 0;
        imr = 0;
        lastLevel = 0;
        priorityAdd = 0;
        readIsr = false;
        pollPending = false;
        specialMask = false;
        autoEoi = false;
        rotateOnAutoEoi = false;
        specialFullyNested = false;
        needIcw4 = (value & 0x01) != 0;
        singleMode = (value & 0x02) != 0;
        // LTIM (bit 3) is ignored as by QEMU: on a PC the ELCR selects the trigger mode per input.
        initStep = 1;
    }

    private void ocw2(int value) {
        int command = value >> 5;
        switch (command) {
            case 0 -> rotateOnAutoEoi = false;
            case 4 -> rotateOnAutoEoi = true;
            case 1, 5 -> {
                int priority = priorityOf(isr);
                if (priority != 8) {
                    int irq = (priority + priorityAdd) & 7;
                    isr &= ~(1 << irq);
                    if (command == 5) {
                        priorityAdd = (irq + 1) & 7;
                    }
                }
            }
            case 3 -> isr &= ~(1 << (value & 7));
            case 7 -> {
                int irq = value & 7;
                isr &= ~(1 << irq);
                priorityAdd = (irq + 1) & 7;
            }
            case 6 -> priorityAdd = (value + 1) & 7;
            default -> { } // 2: no operation
        }
    }

    private void ocw3(int value) {
        if ((value & 0x04) != 0) {
            pollPending = true;
        }
        if ((value & 0x02) != 0) {
            readIsr = (value & 0x01) != 0;
        }
        if ((value & 0x40) != 0) {
            specialMask = (value & 0x20) != 0;
        }
    }

    /**
     * State for a snapshot: IRR, ISR, IMR, input levels, vector base, rotation, init step, flags
     * (bit 0 needIcw4, 1 single, 2 autoEoi, 3 rotateOnAutoEoi, 4 readIsr, 5 pollPending,
     * 6 specialMask, 7 specialFullyNested), ELCR: 9 bytes.
     */
    void save(StateWriter w) {
        w.u8(irr);
        w.u8(isr);
        w.u8(imr);
        w.u8(lastLevel);
        w.u8(vectorBase);
        w.u8(priorityAdd);
        w.u8(initStep);
        w.u8((needIcw4 ? 1 : 0) | (singleMode ? 2 : 0) | (autoEoi ? 4 : 0) | (rotateOnAutoEoi ? 8 : 0)
                | (readIsr ? 0x10 : 0) | (pollPending ? 0x20 : 0) | (specialMask ? 0x40 : 0)
                | (specialFullyNested ? 0x80 : 0));
        w.u8(elcr);
    }

    /** Reads what {@link #save} wrote, checking every field. */
    void load(StateReader r) {
        irr = r.u8("IRR");
        isr = r.u8("ISR");
        imr = r.u8("IMR");
        lastLevel = r.u8("input levels");
        vectorBase = r.bits("vector base", 0xF8);
        priorityAdd = r.u8("priority rotation", 0, 7);
        initStep = r.u8("init step", 0, 3);
        int flags = r.u8("flags");
        needIcw4 = (flags & 1) != 0;
        singleMode = (flags & 2) != 0;
        autoEoi = (flags & 4) != 0;
        rotateOnAutoEoi = (flags & 8) != 0;
        readIsr = (flags & 0x10) != 0;
        pollPending = (flags & 0x20) != 0;
        specialMask = (flags & 0x40) != 0;
        specialFullyNested = (flags & 0x80) != 0;
        elcr = r.bits("ELCR", elcrMask);
    }

    /** 0 = highest priority among the set bits of {@code mask} after rotation; 8 = none set. */
    private int priorityOf(int mask) {
        if ((mask & 0xFF) == 0) {
            return 8;
        }
        int priority = 0;
        while ((mask & (1 << ((priority + priorityAdd) & 7))) == 0) {
            priority++;
        }
        return priority;
    }
}
