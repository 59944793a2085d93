import kerf.Sys;

/**
 * Totals a customer's order against the stock list.
 *   minijvm Inventory STOCKFILE < ORDER
 * STOCKFILE: "sku name cents stock [bulk-min]" lines ('#' comments); ORDER on standard input:
 * "customer=NAME", then "sku qty" lines. A quantity that is not a number is not caught: the
 * run ends with a NumberFormatException.
 */
public class Inventory {
    private final Item[] items = new Item[16];
    private int count;

    public static void main(String[] args) {
        if (args.length != 1) {
            Sys.print("usage: Inventory STOCKFILE < ORDER\n");
            return;
        }
        byte[] stock = Sys.readFile(args[0]);
        if (stock == null) {
            Sys.print("inventory: cannot read " + args[0] + "\n");
            return;
        }
        Inventory inv = new Inventory();
        inv.load(new String(stock));
        long now = Sys.time();
        Sys.print("inventory: " + inv.count + " items, stock list " + (now >= 1735689600L ? "current" : "stale") + "\n");
        inv.order(readAll());
    }

    /** Standard input to its end. */
    static String readAll() {
        byte[] buf = new byte[256];
        StringBuilder sb = new StringBuilder();
        int n;
        while ((n = Sys.read(buf, 0, buf.length)) > 0) {
            sb.append(new String(buf, 0, n));
        }
        return sb.toString();
    }

    void load(String text) {
        int start = 0;
        while (start < text.length()) {
            int end = text.indexOf('\n', start);
            if (end < 0) end = text.length();
            String line = text.substring(start, end).trim();
            start = end + 1;
            if (line.isEmpty() || line.charAt(0) == '#') continue;
            String[] f = fields(line);
            Item item = f[4] == null
                    ? new Item(f[0], f[1], Integer.parseInt(f[2]), Integer.parseInt(f[3]))
                    : new BulkItem(f[0], f[1], Integer.parseInt(f[2]), Integer.parseInt(f[3]), Integer.parseInt(f[4]));
            items[count++] = item;
        }
    }

    /** Up to five space-separated fields; missing ones are null. */
    static String[] fields(String line) {
        String[] f = new String[5];
        int n = 0;
        int i = 0;
        while (i < line.length() && n < f.length) {
            while (i < line.length() && line.charAt(i) == ' ') i++;
            int j = i;
            while (j < line.length() && line.charAt(j) != ' ') j++;
            if (j > i) f[n++] = line.substring(i, j);
            i = j;
        }
        return f;
    }

    Item find(String sku) {
        for (int i = 0; i < count; i++) {
            if (items[i].sku.equals(sku)) return items[i];
        }
        return null;
    }

    void order(String text) {
        String customer = "?";
        long total = 0;
        int lines = 0;
        int start = 0;
        while (start < text.length()) {
            int end = text.indexOf('\n', start);
            if (end < 0) end = text.length();
            String line = text.substring(start, end).trim();
            start = end + 1;
            if (line.startsWith("customer=")) {
                customer = line.substring(9);
                Sys.print("order for " + customer + "\n");
            } else if (!line.isEmpty()) {
                total += orderLine(line);
                lines++;
            }
        }
        Sys.print(customer + ": " + lines + " lines, total " + money(total) + "\n");
    }

    /** One "sku qty" line: its price, or 0 when the item is unknown or out of stock. */
    long orderLine(String line) {
        String[] f = fields(line);
        int qty = quantity(f[1]);
        Item item = find(f[0]);
        if (item == null) {
            Sys.print("  " + f[0] + ": no such item\n");
            return 0;
        }
        try {
            item.take(qty);
        } catch (OutOfStockException e) {
            Sys.print("  backordered (" + e.missing + " short): " + e.getMessage() + "\n");
            return 0;
        }
        long price = item.price(qty);
        Sys.print("  " + item.name + " x" + qty + " = " + money(price) + "\n");
        return price;
    }

    static int quantity(String s) {
        return Integer.parseInt(s);
    }

    static String money(long cents) {
        long frac = cents % 100;
        return (cents / 100) + "." + (frac < 10 ? "0" : "") + frac;
    }
}
