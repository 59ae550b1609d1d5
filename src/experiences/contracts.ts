/**
 * The tables the recommendation and replenishment models (src/experiences/recommend, /replenish)
 * write and the actions read. The actions use them when they exist and fall back to the customer's
 * own items (or the brand's popular items) when they do not, saying so in the reason.
 *
 *   recommendations(customer_id VARCHAR, rank INTEGER, item_id VARCHAR, score DOUBLE, model VARCHAR)  -- top-k per customer
 *   replenishment(customer_id VARCHAR, item_id VARCHAR, due DATE, due_lower DATE, due_upper DATE,
 *                 quantity DOUBLE, quantity_lower DOUBLE, quantity_upper DOUBLE)                     -- item_id NULL when the data has no items
 */
export const RECOMMENDATIONS_TABLE = 'recommendations';
export const REPLENISHMENT_TABLE = 'replenishment';
