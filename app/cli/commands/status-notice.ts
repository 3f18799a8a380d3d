// The model notice as the CLI prints it. Its one source is LibraryApi status().modelNotice, the
// field the app's banner reads too, so `shoebox status`, `shoebox index` and the app say the same.

/** One line, marked so it stands apart from counts and progress. */
export const modelNoticeLine = (notice: string): string => `note: ${notice}\n`;
