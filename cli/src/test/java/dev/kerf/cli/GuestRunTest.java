package dev.kerf.cli;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code kerf run} on real guests: needs the CPU, protected mode and the devices. */
class GuestRunTest {
    @Test
    void helloEchoesAPipedLineAndExitsWithItsStatus() throws Exception {
        Path hello = Examples.hello("hello.elf");
        Cli.Outcome r = Cli.run("kerf rocks\n", "run", hello.toString(), "--clock", "virtual", "--max-insns", "50M");
        assertThat(r.err()).isEmpty();
        assertThat(r.out()).contains("hello from kerf guest").contains("cmdline: " + hello + " \r\n")
                .contains("echo: kerf rocks\r\n");
        assertThat(r.exitCode()).isEqualTo((10 << 1) | 1);   // the line's length
    }

    @Test
    void helloTakesItsExitStatusFromTheCommandLine() throws Exception {
        Path hello = Examples.hello("hello.elf");
        Cli.Outcome r = Cli.run("x\n", "run", hello.toString(), "--append", "exit=42", "--clock", "virtual");
        assertThat(r.out()).contains("cmdline: " + hello + " exit=42");
        assertThat(r.exitCode()).isEqualTo((42 << 1) | 1);
    }

    @Test
    void hostClockWorksWithPipedInputToo() throws Exception {
        Path hello = Examples.hello("hello.elf");
        Cli.Outcome r = Cli.run("live\n", "run", hello.toString(), "--clock", "host", "--max-insns", "1G");
        assertThat(r.out()).contains("echo: live\r\n");
        assertThat(r.exitCode()).as(r.err()).isEqualTo((4 << 1) | 1);
    }

    @Test
    void tripleFaultIsOneClearLine() throws Exception {
        Path triple = Examples.hello("triple.elf");
        Cli.Outcome r = Cli.run("", "run", triple.toString(), "--clock", "virtual", "--max-insns", "1M");
        assertThat(r.exitCode()).as(r.err()).isEqualTo(ExitCode.GUEST_TRIPLE_FAULT.code());
        assertThat(r.err()).startsWith("kerf: guest triple-faulted").doesNotContain("Exception");
        assertThat(r.err().strip().lines().count()).isEqualTo(1);
    }

    @Test
    void anInstructionKerfLacksNamesItsBytesEipAndSymbolInOneLine() throws Exception {
        Path sse = Examples.hello("sse.elf");
        Cli.Outcome r = Cli.run("", "run", sse.toString(), "--clock", "virtual", "--max-insns", "1M");
        assertThat(r.exitCode()).as(r.err()).isEqualTo(ExitCode.GUEST_TRIPLE_FAULT.code());
        assertThat(r.err()).matches("kerf: guest triple-faulted at eip 0x0010001c \\(icount \\d+\\): #UD on bytes"
                + " 0f 58 c1 c3 [0-9a-f ]+ in use_sse\\+0x3 \\(an invalid opcode, or one kerf does not implement\\), and"
                + " the guest could not handle it: the machine shut down\n");
    }

    @Test
    void maxInsnsStopsAGuestWaitingForInput() throws Exception {
        Path hello = Examples.hello("hello.elf");
        Cli.Outcome r = Cli.run("", "run", hello.toString(), "--clock", "virtual", "--max-insns", "200K");
        assertThat(r.out()).contains("hello from kerf guest");
        assertThat(r.exitCode()).as(r.err()).isEqualTo(ExitCode.MAX_INSNS.code());
        assertThat(r.err()).startsWith("kerf: stopped: --max-insns");
    }
}
