// The translation unit that compiles lib/PrecompiledHeaders.h.
