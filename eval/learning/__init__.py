"""Learning from shoppers: logged lists, a position-bias click model, counterfactual estimates, the
ranker trained from clicks, and exposure reports (novelty, diversity, brands)."""
