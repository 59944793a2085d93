/** An order line asks for more units than the stock holds. */
public class OutOfStockException extends RuntimeException {
    final int missing;

    OutOfStockException(String sku, int wanted, int inStock) {
        super(sku + ": " + wanted + " wanted, " + inStock + " in stock");
        missing = wanted - inStock;
    }
}
