package dev.kerf.emulator.introspect.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kerf.emulator.introspect.linux.KallsymsImage.Order;
import dev.kerf.emulator.introspect.linux.KallsymsImage.Sym;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Kallsyms on synthetic tables placed in a RAM image full of noise: decoded exactly, or refused with a typed error. */
class KallsymsTest {
    static final int RAM = 4 << 20;
    static final int PLACE = 0x2345_0; // physical address of the tables (4-byte aligned, as in a kernel image)
    static final long TEXT = 0xC340_0000L;

    /** 700 symbols (three marker groups): the kernel's boundary symbols, aliases, long names, made-up functions. */
    static List<Sym> symbols() {
        Random r = new Random(15);
        List<Sym> l = new ArrayList<>();
        long a = TEXT;
        l.add(new Sym('T', "startup_32", a));
        l.add(new Sym('T', "_stext", a));
        l.add(new Sym('T', "_text", a));
        String[] words = {"sys", "read", "write", "do", "open", "sched", "page", "fault", "irq", "kmalloc", "tty", "vfs", "init"};
        for (int i = 0; i < 690; i++) {
            a += 1 + r.nextInt(400);
            StringBuilder n = new StringBuilder(r.nextBoolean() ? "__" : "");
            for (int w = 0, k = 1 + r.nextInt(4); w < k; w++) n.append(w > 0 ? "_" : "").append(words[r.nextInt(words.length)]);
            n.append(i % 7 == 0 ? "" : String.valueOf(i));
            l.add(new Sym(i % 3 == 0 ? 't' : 'T', n.toString(), a));
        }
        a += 16;
        l.add(new Sym('T', "x".repeat(50) + "Q".repeat(150), a)); // 200 characters: a two-byte length
        l.add(new Sym('W', "weak_alias", a));
        l.add(new Sym('T', "_etext", a + 64));
        l.add(new Sym('T', "_sinittext", a + 0x10000));
        l.add(new Sym('t', "init_only", a + 0x10010));
        l.add(new Sym('T', "_einittext", a + 0x10100));
        return l;
    }

    /** Noise everywhere, then the tables at {@code PLACE}. */
    static byte[] ram(byte[] tables) {
        byte[] ram = new byte[RAM];
        new Random(1).nextBytes(ram);
        for (int i = 0x10000; i < 0x20000; i++) ram[i] = 0; // and a zero region, as most of a guest's RAM is
        for (int i = 0x30000; i < 0x30400; i += 2) ram[i] = (byte) (i >> 1); // an ascending u16 array that is no token index
        System.arraycopy(tables, 0, ram, PLACE, tables.length);
        return ram;
    }

    @ParameterizedTest(name = "{0}, base-relative {1}, seqs_of_names {2}")
    @CsvSource({"LINUX_6_1, true, true", "LINUX_6_1, true, false", "LINUX_6_1, false, false", "LINUX_6_4, true, true",
            "LINUX_6_4, false, true"})
    void decodesEverySymbolBackInEveryLayout(Order order, boolean relative, boolean seqs) {
        List<Sym> want = symbols();
        KallsymsImage img = KallsymsImage.build(want, order, relative, seqs);
        LinuxSymbols got = Kallsyms.decode(ram(img.bytes));

        assertThat(got.count()).isEqualTo(want.size());
        for (int i = 0; i < want.size(); i++) {
            assertThat(got.get(i)).isEqualTo(new LinuxSymbols.Symbol(want.get(i).name(), want.get(i).type(), want.get(i).address()));
        }
        KallsymsLayout l = got.layout();
        assertThat(l.numSyms()).isEqualTo(PLACE + img.at.numSyms());
        assertThat(l.names()).isEqualTo(PLACE + img.at.names());
        assertThat(l.markers()).isEqualTo(PLACE + img.at.markers());
        assertThat(l.seqsOfNames()).isEqualTo(img.at.seqs() < 0 ? -1 : PLACE + img.at.seqs());
        assertThat(l.tokenTable()).isEqualTo(PLACE + img.at.tokenTable());
        assertThat(l.tokenIndex()).isEqualTo(PLACE + img.at.tokenIndex());
        assertThat(l.addresses()).isEqualTo(PLACE + img.at.addresses());
        assertThat(l.baseRelative()).isEqualTo(relative);
        assertThat(l.relativeBase()).isEqualTo(relative ? TEXT : 0);
    }

    @Test
    void lookupsByNameAndAddress() {
        LinuxSymbols s = Kallsyms.decode(ram(KallsymsImage.build(symbols(), Order.LINUX_6_1, true, true).bytes));
        Sym some = symbols().get(300);
        assertThat(s.address(some.name())).hasValue(some.address());
        assertThat(s.describe(some.address() + 3)).isEqualTo(some.name() + "+0x3");
        assertThat(s.describe(some.address())).isEqualTo(some.name());
        assertThat(s.describe(TEXT)).as("aliases: the first at an address, as the kernel prints").isEqualTo("startup_32");
        assertThat(s.named("_text")).singleElement().extracting(LinuxSymbols.Symbol::address).isEqualTo(TEXT);
        assertThat(s.address("no_such_symbol")).isEmpty();

        long etext = s.address("_etext").getAsLong();
        assertThat(s.text()).hasValue(new LinuxSymbols.Range(TEXT, etext));
        assertThat(s.describe(etext)).as("past _etext: data, not text").isNull();
        assertThat(s.describe(TEXT - 1)).isNull();
        long init = s.address("init_only").getAsLong();
        assertThat(s.describe(init + 0x20)).isEqualTo("init_only+0x20");
        assertThat(s.initText()).hasValue(new LinuxSymbols.Range(s.address("_sinittext").getAsLong(), s.address("_einittext").getAsLong()));
        assertThat(s.kaslrSlide()).hasValue(TEXT - LinuxSymbols.DEFAULT_TEXT);
        assertThat(s.symbols()).hasSize(symbols().size()).first().hasToString("c3400000 T startup_32");
    }

    @Test
    void ramWithoutTablesIsNotFound() {
        byte[] noise = new byte[RAM];
        new Random(2).nextBytes(noise);
        for (byte[] ram : new byte[][] {new byte[RAM], noise, new byte[3]}) {
            assertThatThrownBy(() -> Kallsyms.decode(ram)).isInstanceOfSatisfying(KallsymsException.class, e -> {
                assertThat(e.kind()).isEqualTo(KallsymsException.Kind.NOT_FOUND);
                assertThat(e.getMessage()).isEqualTo("no kallsyms table in guest RAM: the kernel was built without CONFIG_KALLSYMS"
                        + " or is not a Linux kernel kerf knows; give a profile with --profile");
            });
        }
    }

    @Test
    void aBadMarkerIsRefused() {
        KallsymsImage img = KallsymsImage.build(symbols(), Order.LINUX_6_1, true, true);
        byte[] ram = ram(img.bytes);
        ram[PLACE + img.at.markers() + 4] += 1; // markers[1]: still ascending, one byte off
        assertInconsistent(ram, "kallsyms_markers[1] at physical 0x" + Integer.toHexString(PLACE + img.at.markers() + 4));
    }

    @Test
    void unsortedOffsetsAreRefused() {
        KallsymsImage img = KallsymsImage.build(symbols(), Order.LINUX_6_1, true, false);
        byte[] ram = ram(img.bytes);
        int at = PLACE + img.at.addresses() + 4 * 100;
        for (int i = 0; i < 4; i++) { // swap offsets[100] and offsets[101]
            byte t = ram[at + i];
            ram[at + i] = ram[at + 4 + i];
            ram[at + 4 + i] = t;
        }
        assertInconsistent(ram, "addresses not sorted at symbol 101");
    }

    @Test
    void aTokenIndexNotAscendingIsNoTable() {
        KallsymsImage img = KallsymsImage.build(symbols(), Order.LINUX_6_1, true, true);
        byte[] ram = ram(img.bytes);
        int at = PLACE + img.at.tokenIndex() + 2 * 40;
        ram[at] = ram[at - 2]; // token_index[40] = token_index[39]
        ram[at + 1] = ram[at - 1];
        assertThatThrownBy(() -> Kallsyms.decode(ram)).isInstanceOfSatisfying(KallsymsException.class,
                e -> assertThat(e.kind()).isEqualTo(KallsymsException.Kind.NOT_FOUND));
    }

    @Test
    void aTruncatedNamesStreamIsRefused() {
        KallsymsImage img = KallsymsImage.build(symbols(), Order.LINUX_6_1, true, false);
        byte[] ram = ram(img.bytes);
        ram[PLACE + img.at.numSyms()] -= 3; // num_syms says three names fewer than the stream holds
        assertInconsistent(ram, "kallsyms_markers at physical 0x" + Integer.toHexString(PLACE + img.at.markers()));

        byte[] ram2 = ram(img.bytes);
        int last = PLACE + img.at.names();
        for (int i = 0; i < 300; i++) last += 1 + (ram2[last] & 0xFF) + ((ram2[last] & 0x80) != 0 ? 1 : 0); // to name 300
        ram2[last] = (byte) 0x7F; // name 300 claims 127 token bytes: the stream no longer meets markers[2]
        assertInconsistent(ram2, " runs into kallsyms_markers at 0x" + Integer.toHexString(PLACE + img.at.markers()));
    }

    @Test
    void seqsOfNamesOutOfNameOrderIsRefused() {
        KallsymsImage img = KallsymsImage.build(symbols(), Order.LINUX_6_1, true, true);
        byte[] ram = ram(img.bytes);
        int a = PLACE + img.at.seqs() + 3 * 10, b = PLACE + img.at.seqs() + 3 * 500;
        for (int i = 0; i < 3; i++) { // swap the 10th and the 500th name in name order: still a permutation
            byte t = ram[a + i];
            ram[a + i] = ram[b + i];
            ram[b + i] = t;
        }
        assertInconsistent(ram, "kallsyms_seqs_of_names at physical 0x" + Integer.toHexString(PLACE + img.at.seqs()) + " puts symbol ");
    }

    @Test
    void aTokenExpandingToNoTypeLetterIsRefused() {
        KallsymsImage img = KallsymsImage.build(symbols(), Order.LINUX_6_1, true, false);
        byte[] ram = ram(img.bytes);
        ram[PLACE + img.at.names() + 1] = '_'; // name 0's first code: '_' is its own token, not a type letter
        assertInconsistent(ram, "kallsyms name 0 at physical 0x" + Integer.toHexString(PLACE + img.at.names()) + " has no type letter");
    }

    private static void assertInconsistent(byte[] ram, String detail) {
        assertThatThrownBy(() -> Kallsyms.decode(ram)).isInstanceOfSatisfying(KallsymsException.class, e -> {
            assertThat(e.kind()).isEqualTo(KallsymsException.Kind.INCONSISTENT);
            assertThat(e.getMessage()).startsWith("inconsistent kallsyms table in guest RAM: ").contains(detail).doesNotContain("\n");
        });
    }
}
