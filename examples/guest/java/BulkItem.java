/** An item sold in bulk: 10% off for orders of at least minQty units. */
public class BulkItem extends Item {
    final int minQty;

    BulkItem(String sku, String name, int priceCents, int stock, int minQty) {
        super(sku, name, priceCents, stock);
        this.minQty = minQty;
    }

    @Override
    long price(int qty) {
        long full = super.price(qty);
        return qty >= minQty ? full - full / 10 : full;
    }
}
