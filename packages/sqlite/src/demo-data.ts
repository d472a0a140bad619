import Database from 'better-sqlite3';
import { mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * The demo database: a small shop (customers, products, orders, order items) generated from a
 * fixed seed, so every run of `--demo` sees the same rows. Written to a temporary file and
 * renamed into place, so a concurrent reader never sees half a database.
 */
export function createDemoDatabase(file: string): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  rmSync(tmp, { force: true });
  const db = new Database(tmp);
  try {
    db.exec(SCHEMA);
    const rand = mulberry32(20261122);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
    const insertCustomer = db.prepare('INSERT INTO customers (id, name, email, country, city, signed_up) VALUES (?, ?, ?, ?, ?, ?)');
    const insertProduct = db.prepare('INSERT INTO products (id, sku, name, category, price_cents, in_stock) VALUES (?, ?, ?, ?, ?, ?)');
    const insertOrder = db.prepare('INSERT INTO orders (id, customer_id, ordered_at, status) VALUES (?, ?, ?, ?)');
    const insertItem = db.prepare('INSERT INTO order_items (order_id, product_id, quantity, unit_price_cents) VALUES (?, ?, ?, ?)');
    db.transaction(() => {
      for (let id = 1; id <= 120; id++) {
        const first = pick(FIRST);
        const last = pick(LAST);
        const [country, city] = pick(PLACES);
        const day = new Date(Date.UTC(2024, 0, 1) + Math.floor(rand() * 600) * 86_400_000).toISOString().slice(0, 10);
        insertCustomer.run(id, `${first} ${last}`, `${first}.${last}${id}@example.com`.normalize('NFD').replace(/[^A-Za-z0-9.@]/g, '').toLowerCase(), country, city, day);
      }
      PRODUCTS.forEach(([name, category, price], i) => {
        insertProduct.run(i + 1, `SKU-${String(1000 + i)}`, name, category, price, rand() < 0.9 ? 1 : 0);
      });
      let itemCount = 0;
      for (let id = 1; id <= 400; id++) {
        const at = new Date(Date.UTC(2025, 0, 1) + Math.floor(rand() * 330 * 86_400_000));
        const status = pick(['delivered', 'delivered', 'delivered', 'shipped', 'paid', 'cancelled', 'refunded'] as const);
        insertOrder.run(id, 1 + Math.floor(rand() * 120), at.toISOString().slice(0, 19).replace('T', ' '), status);
        const lines = 1 + Math.floor(rand() * 4);
        const used = new Set<number>();
        for (let l = 0; l < lines; l++) {
          const product = 1 + Math.floor(rand() * PRODUCTS.length);
          if (used.has(product)) continue;
          used.add(product);
          insertItem.run(id, product, 1 + Math.floor(rand() * 3), PRODUCTS[product - 1]![2]);
          itemCount++;
        }
      }
      return itemCount;
    })();
    db.close();
    renameSync(tmp, file);
  } catch (e) {
    db.close();
    rmSync(tmp, { force: true });
    throw e;
  }
}

const SCHEMA = `
CREATE TABLE customers (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  email TEXT NOT NULL UNIQUE,
  country TEXT NOT NULL,
  city TEXT NOT NULL,
  signed_up TEXT NOT NULL -- ISO date
);
CREATE TABLE products (
  id INTEGER PRIMARY KEY,
  sku TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  category TEXT NOT NULL,
  price_cents INTEGER NOT NULL CHECK (price_cents > 0),
  in_stock INTEGER NOT NULL DEFAULT 1
);
CREATE TABLE orders (
  id INTEGER PRIMARY KEY,
  customer_id INTEGER NOT NULL REFERENCES customers(id),
  ordered_at TEXT NOT NULL, -- UTC, 'YYYY-MM-DD HH:MM:SS'
  status TEXT NOT NULL CHECK (status IN ('paid', 'shipped', 'delivered', 'cancelled', 'refunded'))
);
CREATE INDEX orders_customer ON orders(customer_id);
CREATE INDEX orders_ordered_at ON orders(ordered_at);
CREATE TABLE order_items (
  order_id INTEGER NOT NULL REFERENCES orders(id) ON DELETE CASCADE,
  product_id INTEGER NOT NULL REFERENCES products(id),
  quantity INTEGER NOT NULL CHECK (quantity > 0),
  unit_price_cents INTEGER NOT NULL,
  PRIMARY KEY (order_id, product_id)
) WITHOUT ROWID;
CREATE VIEW order_totals AS
  SELECT o.id AS order_id, o.customer_id, o.ordered_at, o.status, SUM(i.quantity * i.unit_price_cents) AS total_cents
  FROM orders o JOIN order_items i ON i.order_id = o.id
  GROUP BY o.id;
`;

const FIRST = ['Ana', 'Ben', 'Chloé', 'Diego', 'Emma', 'Farid', 'Grace', 'Hiro', 'Ines', 'Jonas', 'Kofi', 'Lena', 'Mateo', 'Nora', 'Omar', 'Priya', 'Quinn', 'Rosa', 'Sven', 'Tara', 'Umar', 'Vera', 'Wei', 'Yara', 'Zoe'] as const;
const LAST = ['Silva', 'Müller', 'Dubois', 'García', 'Rossi', 'Khan', 'Smith', 'Tanaka', 'Novak', 'Berg', 'Mensah', 'Fischer', 'López', 'Ahmed', 'Patel', 'Kim', "O'Brien", 'Costa', 'Nilsen', 'Haddad'] as const;
const PLACES = [['US', 'Austin'], ['US', 'Chicago'], ['DE', 'Berlin'], ['FR', 'Lyon'], ['ES', 'Madrid'], ['BR', 'São Paulo'], ['JP', 'Osaka'], ['IN', 'Pune'], ['GB', 'Leeds'], ['CA', 'Toronto'], ['NG', 'Lagos'], ['SE', 'Malmö']] as const;
const PRODUCTS: ReadonlyArray<readonly [string, string, number]> = [
  ['Espresso beans 1kg', 'coffee', 2490], ['Decaf beans 500g', 'coffee', 1390], ['Cold brew concentrate', 'coffee', 990],
  ['Pour-over kettle', 'equipment', 5900], ['Burr grinder', 'equipment', 12900], ['Paper filters (100)', 'equipment', 590],
  ['Ceramic mug', 'merch', 1490], ['Travel tumbler', 'merch', 2490], ['Tote bag', 'merch', 1190],
  ['Green tea 100g', 'tea', 890], ['Earl grey 100g', 'tea', 790], ['Chai blend 250g', 'tea', 1190],
  ['Oat milk 1l', 'grocery', 290], ['Dark chocolate bar', 'grocery', 350], ['Almond biscotti', 'grocery', 590],
  ['Barista course (online)', 'service', 4900], ['Espresso machine service', 'service', 8900], ['Gift card 25', 'gift', 2500],
  ['Gift card 50', 'gift', 5000], ['Subscription box (month)', 'subscription', 3200],
];

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
