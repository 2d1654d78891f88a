/// `Direction` is part of the decoder's API (every `FrameRecord` has one): a module that imports
/// WireTap gets it too, as it did when WireTap declared it.
@_exported import Traffic
