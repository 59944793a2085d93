package bad;

import java.util.ArrayList;

/** Not in minijvm's subset: java.util. minijvm stops with one "minijvm: class ... is not supported" line. */
public class UsesList {
    public static void main(String[] args) {
        ArrayList<String> list = new ArrayList<String>();
        list.add("x");
        kerf.Sys.print(list.size() + "\n");
    }
}
