package bad;

/** Not in minijvm's subset: float arithmetic. minijvm stops with one "minijvm: unsupported bytecode" line. */
public class UsesFloat {
    public static void main(String[] args) {
        float f = args.length;
        kerf.Sys.print("half: " + (f / 2) + "\n");
    }
}
