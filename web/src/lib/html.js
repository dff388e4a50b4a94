// htm bound to Preact: tagged templates instead of JSX, no compile step needed.
// htm sets text children as text nodes, so data is never parsed as HTML.
import { h } from 'preact';
import htm from 'htm';

export const html = htm.bind(h);
