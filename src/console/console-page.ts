/**
 * The one HTML page every console address serves; the Preact app (ui/main.tsx) renders the page
 * the address names. Static: no data, no token, nothing per request.
 */
export const CONSOLE_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>hookflow console</title>
<link rel="stylesheet" href="/console/assets/app.css">
</head>
<body>
<div id="app"></div>
<noscript>The hookflow console needs JavaScript.</noscript>
<script type="module" src="/console/assets/app.js"></script>
</body>
</html>
`;

/** Addresses of the console's pages (the app's routes); anything else under /console is not one. */
export function isConsolePage(path: string): boolean {
  return /^\/console(\/|\/events|\/events\/[^/]+|\/sources|\/destinations|\/sign-in)?$/.test(path);
}
