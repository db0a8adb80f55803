"""Where things are: UK postcodes placed at their district's centroid (`postcodes`), and distances
from a place to hospitals and to trials' sites, in Python for every hospital at once and in SQL for
every trial (`distance`). The search and the eligibility ranking both measure distance here."""
