// The outer handle used inside a transaction: SQLite (one connection, mutex) never settles.
import { open } from "./db.mjs";
const h = open(process.argv[2] ?? "sqlite", "public");
const timer = setTimeout(() => { console.log("DEADLOCK: outer query inside transaction did not settle in 2s"); process.exit(1); }, 2000);
await h.db.transaction().execute(async () => { await h.db.selectNoFrom((eb) => eb.val(1).as("x")).execute(); });
clearTimeout(timer); console.log("settled"); await h.db.destroy();
