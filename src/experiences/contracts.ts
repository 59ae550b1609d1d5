/**
 * The tables the recommendation and replenishment models (src/experiences/recommend, /replenish)
 * write and the actions read. The actions use them when they exist and fall back to the customer's
 * own items (or the brand's popular items) when they do not, saying so in the reason.
 *
 *   recommendations(customer_id VARCHAR, rank INTEGER, item_id VARCHAR, score DOUBLE, model VARCHAR)  -- top-k per customer
 *     a view (written by writeRecommendations) over RECOMMENDATION_PARTS:
 *       recommendations_model(customer_id, rank, item_id, score, model)   the model's own rows
 *       recommendations_fill(fill, rank, item_id, score, model)           each distinct popularity fill list
 *       recommendations_short(customer_id, fill)                          the fill list of each customer the model left short of k
 *     recommendations = recommendations_model ∪ recommendations_short ⋈ recommendations_fill (on fill);
 *     a table of the same columns (made by hand) is read the same way
 *   replenishment(customer_id VARCHAR, item_id VARCHAR, due DATE, due_lower DATE, due_upper DATE,
 *                 quantity DOUBLE, quantity_lower DOUBLE, quantity_upper DOUBLE)                     -- item_id NULL when the data has no items
 */
export const RECOMMENDATIONS_TABLE = 'recommendations';
export const REPLENISHMENT_TABLE = 'replenishment';
export const RECOMMENDATION_PARTS = { model: 'recommendations_model', fill: 'recommendations_fill', short: 'recommendations_short' } as const;
