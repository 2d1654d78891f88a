enum WireTapPlaceholder {}
