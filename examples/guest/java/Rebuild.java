import kerf.Sys;

/**
 * Rebuilds a secret from its pieces, as /bin/shards does in C:
 *   minijvm Rebuild FILE
 * FILE holds "INDEX:PIECE" lines in any order ('#' lines are comments); the pieces joined in
 * index order are printed. The joined text is in no input: only in the program's memory (where
 * minijvm keeps strings as UTF-16) and in its output (issue 13, scenario=leaks).
 */
public class Rebuild {
    public static void main(String[] args) {
        if (args.length != 1) {
            Sys.print("usage: Rebuild FILE\n");
            return;
        }
        byte[] text = Sys.readFile(args[0]);
        if (text == null) {
            Sys.print("rebuild: cannot read " + args[0] + "\n");
            return;
        }
        String all = new String(text);
        String[] pieces = new String[16];
        int count = 0;
        int start = 0;
        while (start < all.length()) {
            int end = all.indexOf('\n', start);
            if (end < 0) end = all.length();
            String line = all.substring(start, end);
            start = end + 1;
            int colon = line.indexOf(':');
            if (line.isEmpty() || line.charAt(0) == '#' || colon < 1) continue;
            int index = Integer.parseInt(line.substring(0, colon));
            pieces[index] = line.substring(colon + 1);
            if (index + 1 > count) count = index + 1;
        }
        StringBuilder secret = new StringBuilder();
        for (int i = 0; i < count; i++) secret.append(pieces[i]);
        Sys.print("rebuild: " + count + " pieces make " + secret.length() + " characters: " + secret.toString() + "\n");
    }
}
