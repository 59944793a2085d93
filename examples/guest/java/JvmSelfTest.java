import kerf.Sys;

/**
 * minijvm's own test: one check per feature of the documented subset (docs/guest.md, "minijvm").
 * Each check prints "ok N what" or "FAIL N what: got X, want Y"; the last line counts them. The
 * expectations are the Java language's: the same program on a host JVM passes every check.
 */
public class JvmSelfTest {
    static int passed;
    static int total;
    static int counter = 100;          // set by <clinit>
    static final long BIG;
    static {
        BIG = 1L << 40;
        counter += 23;
    }

    static void check(String what, String got, String want) {
        total++;
        if (got.equals(want)) {
            passed++;
            Sys.print("ok " + total + " " + what + "\n");
        } else {
            Sys.print("FAIL " + total + " " + what + ": got " + got + ", want " + want + "\n");
        }
    }

    static void check(String what, long got, long want) {
        check(what, String.valueOf(got), String.valueOf(want));
    }

    static void check(String what, boolean ok) {
        check(what, String.valueOf(ok), "true");
    }

    // ---- classes for the object checks ----
    interface Shape {
        int area();
        String name();
        default String describe() {
            return "shape " + name();
        }
    }

    abstract static class Base implements Shape {
        static int made;
        final String label;
        Base(String label) {
            this.label = label;
            made++;
        }
        public String name() {
            return label + ":" + area();
        }
        int twice() {
            return 2 * area();
        }
    }

    static class Rect extends Base {
        int w, h;
        Rect(int w, int h) {
            super("rect");
            this.w = w;
            this.h = h;
        }
        public int area() {
            return w * h;
        }
    }

    static class Square extends Rect {
        Square(int s) {
            super(s, s);
        }
        @Override
        public String name() {
            return "square(" + super.name() + ")";
        }
    }

    static class Counter {
        long total;
        int calls;
        private void add(long v) {
            total += v;
            calls++;
        }
    }

    static class AppErr extends Exception {
        final int code;
        AppErr(String m, int code) {
            super(m);
            this.code = code;
        }
    }

    static class Quiet extends RuntimeException {
        Quiet() {
        }
        @Override
        public String getMessage() {
            return "quiet";
        }
    }

    public static void main(String[] args) {
        Sys.print("jvmselftest: starting\n");
        ints();
        longs();
        arrays();
        objects();
        strings();
        exceptions();
        control();
        library();
        more();
        natives(args);
        Sys.print("jvmselftest: " + passed + "/" + total + " checks passed\n");
    }

    static void ints() {
        int a = 2147483647, b = -7;
        check("int overflow wraps", a + 1, -2147483648);
        check("int division truncates", b / 2, -3);
        check("int remainder has the dividend's sign", b % 3, -1);
        int min = Integer.MIN_VALUE, m1 = -1;
        check("MIN_VALUE / -1", min / m1, Integer.MIN_VALUE);
        check("shifts mask the count", (1 << 33) + (-16 >> 2) + (-16 >>> 28), 2 - 4 + 15);
        check("bit operations", (0xF0F0 & 0xFF00) | (0x0F ^ 0x3C), 0xF000 | 0x33);
        check("casts i2b i2c i2s", (byte) 200 + (char) -1 + (short) 40000, -56 + 65535 - 25536);
        int x = 5;
        x += 1000;
        x -= 3;
        x *= -2;
        check("compound assignment (iinc, wide)", x, -2004);
        check("static initializer ran", counter, 123);
    }

    static void longs() {
        long a = 123456789012345L, b = -98765L;
        check("long multiply", a * 3 + b, 370370366938270L);
        check("long divide", a / b, -1250005457L);
        check("long remainder", a % b, 51740L);
        check("long shifts", (BIG >> 3) + (-1L >>> 60) + (3L << 62), (1L << 37) + 15 + (3L << 62));
        check("long compare", (a > b ? 1 : 0) + (b < -98764L ? 10 : 0) + (a == 123456789012345L ? 100 : 0), 111);
        check("Long.MIN_VALUE / -1", Long.MIN_VALUE / -1L, Long.MIN_VALUE);
        check("int to long and back", (int) (long) -5 + (int) 0x1_0000_0007L, 2);
        check("Math on longs", Math.max(a, b) + Math.abs(b) + Math.min(1L, 2L), a + 98765 + 1);
        long fact = 1;
        for (int i = 2; i <= 20; i++) fact *= i;
        check("20!", fact, 2432902008176640000L);
    }

    static void arrays() {
        int[] ia = {3, 1, 4, 1, 5, 9, 2, 6};
        int sum = 0;
        for (int v : ia) sum += v;
        check("int[] sum", sum, 31);
        long[] la = new long[3];
        la[2] = BIG;
        la[1] = -la[2];
        check("long[]", la[0] + la[1] + la[2] * 2, BIG);
        char[] ca = {'k', 'e', 'r', 'f'};
        check("char[] to String", new String(ca, 1, 3), "erf");
        byte[] ba = new byte[2];
        ba[0] = (byte) 0xFF;
        ba[1] = 127;
        check("byte[] is signed", ba[0] + ba[1], 126);
        boolean[] za = new boolean[2];
        za[1] = true;
        check("boolean[]", !za[0] && za[1]);
        short[] sa = {-3, 30000};
        check("short[]", sa[0] + sa[1], 29997);
        int[][] grid = new int[3][4];
        grid[2][3] = 7;
        check("int[][] (multianewarray)", grid.length * 10 + grid[2].length + grid[2][3], 41);
        String[][] names = new String[2][];
        names[1] = new String[] {"a", "b"};
        check("String[][]", names[0] == null && names[1][1].equals("b"));
        Object[] objs = new String[1];
        try {
            objs[0] = "fits";
            objs[0] = new Rect(1, 1);
            check("ArrayStoreException", "none", "thrown");
        } catch (ArrayStoreException e) {
            check("ArrayStoreException", e.getMessage(), "JvmSelfTest$Rect");
        }
        sort(ia);
        StringBuilder sb = new StringBuilder();
        for (int v : ia) sb.append(v);
        check("insertion sort", sb.toString(), "11234569");
    }

    static void sort(int[] a) {
        for (int i = 1; i < a.length; i++) {
            int v = a[i], j = i - 1;
            while (j >= 0 && a[j] > v) {
                a[j + 1] = a[j];
                j--;
            }
            a[j + 1] = v;
        }
    }

    static void objects() {
        Shape[] shapes = {new Rect(2, 3), new Square(4)};
        check("virtual dispatch", shapes[0].name() + " " + shapes[1].name(), "rect:6 square(rect:16)");
        check("inherited method", ((Base) shapes[1]).twice(), 32);
        check("constructor chain", Base.made, 3);
        check("instanceof", (shapes[1] instanceof Rect) && !(shapes[0] instanceof Square) && shapes[0] instanceof Shape);
        Counter c = new Counter();
        for (int i = 0; i < 10; i++) c.add(BIG + i);
        check("fields (long and int)", c.total + c.calls, 10 * BIG + 45 + 10);
        Object o = shapes[0];
        try {
            Square s = (Square) o;
            check("ClassCastException", s.name(), "thrown");
        } catch (ClassCastException e) {
            // The message ends with the classes' loader: "(... are in unnamed module of loader 'app')" under
            // minijvm and "java -cp", another loader's name in kerf replay-jvm; only the first part is checked.
            String m = e.getMessage();
            check("ClassCastException", m.substring(0, m.indexOf(" (")),
                    "class JvmSelfTest$Rect cannot be cast to class JvmSelfTest$Square");
            check("ClassCastException's loader part", m.indexOf("are in unnamed module of loader") > 0);
        }
        Object same = new Object();
        check("Object.equals is identity", same.equals(same) && !same.equals(new Object()));
    }

    static void strings() {
        String s = "  Kerf Machine  ";
        String t = s.trim();
        check("trim", "[" + t + "]", "[Kerf Machine]");
        check("length charAt", t.length() * 1000 + t.charAt(5), 12077);
        check("substring indexOf", t.substring(t.indexOf(' ') + 1) + t.indexOf("chi") + t.indexOf('z'), "Machine7-1");
        check("equals and literal identity", t.equals("Kerf Machine") && "ab" == "ab" && !t.equals(s));
        check("hashCode", "kerf".hashCode(), 3288334);
        check("isEmpty startsWith endsWith", "".isEmpty() && t.startsWith("Ke") && t.endsWith("ne") && !t.startsWith("Ma"));
        check("compareTo", ("apple".compareTo("apricot") < 0 ? -10 : 10) + "b".compareTo("b"), -10);
        check("case and concat", t.toUpperCase().concat(t.toLowerCase().substring(4)), "KERF MACHINE machine");
        check("contains", t.contains("Mach") && !t.contains("mach"));
        StringBuilder sb = new StringBuilder("x=");
        sb.append(42).append(',').append(-7L).append(true).append((Object) null).append((String) null);
        check("StringBuilder", sb.toString() + sb.length(), "x=42,-7truenullnull19");
        check("concatenation of mixed types", "a" + 1 + 2L + 'c' + false + 'x', "a12cfalsex");
        check("String.valueOf", String.valueOf(-123) + String.valueOf('q') + String.valueOf(Long.MIN_VALUE),
                "-123q-9223372036854775808");
        check("Integer.parseInt", Integer.parseInt("-2147483648") + Integer.parseInt("+17") + Integer.parseInt("ff", 16),
                -2147483648 + 17 + 255);
        check("Integer.toString", Integer.toString(Integer.MIN_VALUE), "-2147483648");
        byte[] bytes = "hello".getBytes();
        check("getBytes and new String(byte[])", new String(bytes, 1, 3) + bytes.length, "ell5");
        check("string switch", color("green") + color("red") + color("blue"), 2 + 1 + 0);
    }

    static int color(String c) {
        switch (c) {
            case "red": return 1;
            case "green": return 2;
            default: return 0;
        }
    }

    static void exceptions() {
        int[] small = new int[5];
        try {
            small[7] = 1;
        } catch (ArrayIndexOutOfBoundsException e) {
            check("ArrayIndexOutOfBoundsException", e.getMessage(), "Index 7 out of bounds for length 5");
        }
        try {
            small[0] = 1 / (small[1]);
        } catch (ArithmeticException e) {
            check("ArithmeticException", e.toString(), "java.lang.ArithmeticException: / by zero");
        }
        try {
            long z = small[1];
            check("long / 0", 5L / z, 0);
        } catch (RuntimeException e) {
            check("long / 0 (caught as RuntimeException)", e.getMessage(), "/ by zero");
        }
        try {
            Integer.parseInt("12x");
        } catch (IllegalArgumentException e) {
            check("NumberFormatException caught by superclass", e.toString(),
                    "java.lang.NumberFormatException: For input string: \"12x\"");
        }
        try {
            int[] neg = new int[small[1] - 1];
            check("NegativeArraySizeException", neg.length, -1);
        } catch (NegativeArraySizeException e) {
            check("NegativeArraySizeException", e.getMessage(), "-1");
        }
        try {
            String n = null;
            n.length();
        } catch (NullPointerException e) {
            check("NullPointerException", e instanceof RuntimeException);
        }
        try {
            "abc".charAt(5);
        } catch (StringIndexOutOfBoundsException e) {
            check("StringIndexOutOfBoundsException", e.getMessage(), "String index out of range: 5");
        }
        try {
            "abc".substring(2, 10);
        } catch (IndexOutOfBoundsException e) {
            check("substring bounds", e.getMessage(), "begin 2, end 10, length 3");
        }
        try {
            fail(3);
        } catch (AppErr e) {
            check("custom checked exception", e.getMessage() + e.code, "level 03");
        }
        check("finally runs on return", finallyReturn(), 1);
        check("finally runs on exception", finallyTrace(), "try,catch,finally,after");
        check("nested try and rethrow", nested(), "inner:outer:IllegalStateException: again");
        check("overridden getMessage", new Quiet().toString(), "JvmSelfTest$Quiet: quiet");
        check("exception without message", new RuntimeException().getMessage() == null
                && new IllegalStateException().toString().equals("java.lang.IllegalStateException"));
        Throwable cause = new UnsupportedOperationException("no");
        check("cause", new RuntimeException("wrap", cause).getCause() == cause);
        check("recursion", fib(20), 6765);
    }

    static void fail(int level) throws AppErr {
        if (level > 2) throw new AppErr("level 0", level);
    }

    static int finallyReturn() {
        int x = 1;
        try {
            return x;
        } finally {
            x = 2;
            counter = x;
        }
    }

    static String finallyTrace() {
        StringBuilder sb = new StringBuilder();
        try {
            sb.append("try,");
            throw new IllegalStateException();
        } catch (IllegalStateException e) {
            sb.append("catch,");
        } finally {
            sb.append("finally,");
        }
        return sb.append("after").toString();
    }

    static String nested() {
        StringBuilder sb = new StringBuilder();
        try {
            try {
                throw new IllegalStateException("first");
            } catch (IllegalStateException e) {
                sb.append("inner:");
                throw new IllegalStateException("again");
            } finally {
                sb.append("outer:");
            }
        } catch (RuntimeException e) {
            sb.append("IllegalStateException: ").append(e.getMessage());
        }
        return sb.toString();
    }

    static int fib(int n) {
        return n < 2 ? n : fib(n - 1) + fib(n - 2);
    }

    static void control() {
        int t = 0;
        for (int i = -1; i < 12; i++) t = t * 3 + dense(i);
        check("tableswitch", t, 307638);
        check("lookupswitch", sparse(-100000) + sparse(7) + sparse(1 << 20) + sparse(3), 1 + 2 + 3);
        int n = 0;
        outer:
        for (int i = 0; i < 10; i++) {
            for (int j = 0; j < 10; j++) {
                if (j > i) continue outer;
                if (i * j > 20) break outer;
                n++;
            }
        }
        check("labelled loops", n, 20);
        check("Integer.MIN_VALUE abs", Math.abs(Integer.MIN_VALUE) + Math.max(3, -4) + Math.min(3, -4), Integer.MIN_VALUE - 1);
        check("static field written in finally", counter, 2);
    }

    static int dense(int i) {
        switch (i) {
            case 0: return 1;
            case 1: return 2;
            case 2: return 0;
            case 3: return 1;
            case 4: case 5: return 2;
            default: return 0;
        }
    }

    static int sparse(int i) {
        switch (i) {
            case -100000: return 1;
            case 7: return 2;
            case 1 << 20: return 3;
            default: return 0;
        }
    }

    static void library() {
        int[] src = {1, 2, 3, 4, 5};
        System.arraycopy(src, 0, src, 1, 4);
        check("System.arraycopy (overlapping)", src[0] * 10000 + src[1] * 1000 + src[2] * 100 + src[3] * 10 + src[4], 11234);
        try {
            System.arraycopy(src, 3, new int[2], 0, 3);
        } catch (ArrayIndexOutOfBoundsException e) {
            check("System.arraycopy bounds", e.getMessage(), "arraycopy: last source index 6 out of bounds for int[5]");
        }
        Object[] objs = {"x", new Rect(1, 2)};
        String[] strs = new String[2];
        try {
            System.arraycopy(objs, 0, strs, 0, 2);
        } catch (ArrayStoreException e) {
            check("System.arraycopy element check", strs[0] + strs[1] + " " + e.getMessage(), "xnull arraycopy: element type"
                    + " mismatch: can not cast one of the elements of java.lang.Object[] to the type of the destination array,"
                    + " java.lang.String");
        }
        try {
            System.arraycopy(src, 0, new long[5], 0, 1);
        } catch (ArrayStoreException e) {
            check("System.arraycopy type check", e.getMessage(), "arraycopy: type mismatch: can not copy int[] into long[]");
        }
        check("Long.parseLong", Long.parseLong("-9223372036854775808") + Long.parseLong("42"), Long.MIN_VALUE + 42);
        try {
            Long.parseLong("9223372036854775808");
        } catch (NumberFormatException e) {
            check("Long.parseLong overflow", e.getMessage(), "For input string: \"9223372036854775808\"");
        }
        check("Character", Character.isDigit('7') && !Character.isDigit('x') && Character.isLetter('Q')
                && Character.isWhitespace('\t') && !Character.isWhitespace('_'));
        Shape sq = new Square(3);
        check("interface default method", sq.describe(), "shape square(rect:9)");
        check("toString of an object in concatenation", "" + new Named("n1"), "Named[n1]");
    }

    static class Named {
        final String n;
        Named(String n) {
            this.n = n;
        }
        @Override
        public String toString() {
            return "Named[" + n + "]";
        }
    }

    static class Res implements AutoCloseable {
        final StringBuilder log;
        final String name;
        Res(StringBuilder log, String name) {
            this.log = log;
            this.name = name;
            log.append("open ").append(name).append(',');
        }
        public void close() {
            log.append("close ").append(name).append(',');
        }
    }

    static class Early {
        static StringBuilder seen = new StringBuilder();
        String f = "set";
        int n;
        {
            n = 7;
        }
        Early() {
            seen.append(describe());
        }
        String describe() {
            return "f=" + f;
        }
    }

    static class Late extends Early {
        String g = "late";
        @Override
        String describe() {
            return super.describe() + ",g=" + g + ",n=" + n;
        }
    }

    static class Pt implements Comparable<Pt> {
        final int x;
        Pt(int x) {
            this.x = x;
        }
        public int compareTo(Pt o) {
            return Integer.compare(x, o.x);
        }
    }

    static void more() {
        StringBuilder log = new StringBuilder();
        try (Res a = new Res(log, "a"); Res b = new Res(log, "b")) {
            log.append("body,");
        }
        try (Res c = new Res(log, "c")) {
            throw new IllegalStateException("x");
        } catch (IllegalStateException e) {
            log.append("caught ").append(e.getMessage());
        }
        check("try-with-resources", log.toString(), "open a,open b,body,close b,close a,open c,close c,caught x");
        new Late();
        check("virtual call from a superclass constructor", Early.seen.toString(), "f=set,g=null,n=7");
        Comparable<Pt> p = new Pt(3);
        check("Comparable and CharSequence", p.compareTo(new Pt(5)) == -1 && "s" instanceof CharSequence
                && "s" instanceof Comparable && !(p instanceof CharSequence));
        Runnable r = new Runnable() {
            public void run() {
                counter = 77;
            }
        };
        r.run();
        check("anonymous Runnable", counter, 77);
        int n = 0;
        for (int i = 0; i < 5; i++) {
            try {
                if (i == 1) continue;
                if (i == 3) break;
                n += 10;
            } finally {
                n++;
            }
        }
        check("finally with break and continue", n, 24);
        char ch = 'x';
        ch += 2;
        byte by = 10;
        by *= 30;
        short sh = 1000;
        sh *= 100;
        check("compound assignment narrows", "" + ch + by + " " + sh, "z44 -31072");
        Object o = new int[3];
        check("array instanceof", o instanceof int[] && !(o instanceof Object[]) && new String[0] instanceof Object[]);
        check("Long.compare Integer.compare", Long.compare(Long.MIN_VALUE, 1L) * 10 + Integer.compare(5, -5), -9);
    }

    static void natives(String[] args) {
        byte[] line = {'w', 'r', 'i', 't', 'e', ':', ' ', 'o', 'k', '\n'};
        Sys.write(line, 0, line.length);
        check("args", args.length + (args.length > 0 ? args[0] : ""), "2alpha");
        check("time", Sys.time() > 1000000000L);
        check("readFile", new String(Sys.readFile("/etc/motd")).length() > 0 && Sys.readFile("/no/such/file") == null);
        try {
            Sys.write(line, 8, 5);
        } catch (IndexOutOfBoundsException e) {
            check("Sys.write bounds", e.getMessage(), "Range [8, 8 + 5) out of bounds for length 10");
        }
    }
}
