/** A catalog entry: a stock-keeping unit with a unit price in cents and the units in stock. */
public class Item {
    final String sku;
    final String name;
    final int priceCents;
    int stock;

    Item(String sku, String name, int priceCents, int stock) {
        this.sku = sku;
        this.name = name;
        this.priceCents = priceCents;
        this.stock = stock;
    }

    /** The price of qty units; bulk items override this with a discount. */
    long price(int qty) {
        return (long) priceCents * qty;
    }

    /** Takes qty units out of stock, or throws when there are not enough. */
    void take(int qty) {
        if (qty > stock) {
            throw new OutOfStockException(sku, qty, stock);
        }
        stock -= qty;
    }
}
