// Loaded in <head>, before the page is drawn: JavaScript runs, so the layout for it applies
// (portal.css shows the mobile menu and the banner details while <html> keeps "no-js").
document.documentElement.className = document.documentElement.className.replace(/\bno-js\b/, "js");
