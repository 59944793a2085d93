package bad;

/** Unbounded recursion: an uncaught StackOverflowError (status 1), not a crash of minijvm. */
public class Deep {
    static int depth(int n) {
        return depth(n + 1) + 1;
    }

    public static void main(String[] args) {
        try {
            depth(0);
        } catch (StackOverflowError e) {
            kerf.Sys.print("caught StackOverflowError\n");
        }
        kerf.Sys.print("depth " + depth(0) + "\n");
    }
}
