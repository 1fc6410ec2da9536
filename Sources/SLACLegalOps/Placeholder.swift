// Legal-ops tools land here.
