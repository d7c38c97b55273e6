"""The world both synthetic renderers describe: object types with their true sizes and outlines, and surfaces."""
