package bad;

/** Not in minijvm's subset: System.out (programs print through kerf.Sys). */
public class UsesOut {
    public static void main(String[] args) {
        System.out.println("hello");
    }
}
