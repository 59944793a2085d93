package bad;

/** Allocates without bound: minijvm has no garbage collector and stops at its heap limit (status 2). */
public class Oom {
    public static void main(String[] args) {
        Object[] keep = new Object[64];
        for (int i = 0; ; i++) {
            keep[i % 64] = new byte[1 << 20];
        }
    }
}
