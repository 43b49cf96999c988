// The demo marketplace `npm run dev` seeds: categories, approved vendors and their products.

export const DEMO_CATEGORIES = [
  { slug: "home", name: "Home & Kitchen" },
  { slug: "kitchen", name: "Kitchen", parent: "home" },
  { slug: "decor", name: "Decor", parent: "home" },
  { slug: "garden", name: "Garden" },
  { slug: "books", name: "Books" },
  { slug: "clothing", name: "Clothing" },
  { slug: "t-shirts", name: "T-shirts", parent: "clothing" },
  { slug: "outerwear", name: "Outerwear", parent: "clothing" },
];

type Rgb = [number, number, number];

export interface DemoProduct {
  title: string;
  description: string;
  tags: string[];
  category: string;
  colour: Rgb;
  variants: { price: number; attributes?: Record<string, string> }[];
  stock: number;
}

export interface DemoShippingZone {
  name: string;
  countries: string[];
  flatRate: number;
  perKgRate: number;
  freeShippingThreshold: number | null;
}

export interface DemoVendor {
  slug: string;
  name: string;
  description: string;
  /** The store's EUR shipping profile (minor units). */
  shipping: DemoShippingZone[];
  products: DemoProduct[];
}

const EU = "AT BE BG HR CY CZ DE DK EE ES FI FR GR HU IE IT LT LU LV MT NL PL PT RO SE SI SK".split(" ");

const sizes = (price: number) => ["s", "m", "l"].map((size) => ({ price, attributes: { size } }));

export const DEMO_VENDORS: DemoVendor[] = [
  {
    slug: "nordic-ceramics",
    name: "Nordic Ceramics",
    description: "Stoneware thrown and glazed by hand in a small studio.",
    shipping: [
      {
        name: "Nordics",
        countries: ["SE", "DK", "NO", "FI", "IS"],
        flatRate: 590,
        perKgRate: 200,
        freeShippingThreshold: 7500,
      },
      {
        name: "Europe",
        countries: EU.filter((c) => !["SE", "DK", "FI"].includes(c)).concat(["GB", "CH"]),
        flatRate: 990,
        perKgRate: 300,
        freeShippingThreshold: 12000,
      },
      { name: "World", countries: ["*"], flatRate: 2490, perKgRate: 800, freeShippingThreshold: null },
    ],
    products: [
      {
        title: "Stoneware coffee mug",
        description: "A 300 ml mug with a speckled glaze.",
        tags: ["ceramic", "handmade", "coffee"],
        category: "kitchen",
        colour: [70, 110, 160],
        variants: [
          { price: 2400, attributes: { color: "blue" } },
          { price: 2400, attributes: { color: "white" } },
        ],
        stock: 40,
      },
      {
        title: "Serving bowl",
        description: "Wide and shallow, for salads and fruit.",
        tags: ["ceramic", "handmade"],
        category: "kitchen",
        colour: [200, 190, 170],
        variants: [{ price: 5800 }],
        stock: 12,
      },
      {
        title: "Bud vase",
        description: "A small vase for a single stem.",
        tags: ["ceramic", "vase"],
        category: "decor",
        colour: [150, 80, 60],
        variants: [{ price: 3200 }],
        stock: 25,
      },
      {
        title: "Teapot for two",
        description: "Holds 600 ml, with a built-in strainer.",
        tags: ["ceramic", "tea"],
        category: "kitchen",
        colour: [90, 120, 90],
        variants: [{ price: 7400 }],
        stock: 0,
      },
    ],
  },
  {
    slug: "greenhouse-supply",
    name: "Greenhouse Supply",
    description: "Tools and seeds for small gardens and balconies.",
    shipping: [
      { name: "EU", countries: EU, flatRate: 490, perKgRate: 150, freeShippingThreshold: 5000 },
      {
        name: "UK and Switzerland",
        countries: ["GB", "CH"],
        flatRate: 1290,
        perKgRate: 250,
        freeShippingThreshold: null,
      },
    ],
    products: [
      {
        title: "Garden trowel",
        description: "Forged steel with an ash handle.",
        tags: ["tools", "steel"],
        category: "garden",
        colour: [60, 140, 70],
        variants: [{ price: 1900 }],
        stock: 60,
      },
      {
        title: "Watering can",
        description: "Five litres, galvanised, with a brass rose.",
        tags: ["watering"],
        category: "garden",
        colour: [160, 160, 170],
        variants: [{ price: 3900 }],
        stock: 15,
      },
      {
        title: "Herb seed collection",
        description: "Basil, parsley, chives and thyme.",
        tags: ["seeds", "herbs"],
        category: "garden",
        colour: [120, 170, 60],
        variants: [{ price: 990 }],
        stock: 200,
      },
      {
        title: "Terracotta planter",
        description: "A 25 cm pot with a saucer.",
        tags: ["pots", "terracotta"],
        category: "decor",
        colour: [190, 100, 60],
        variants: [{ price: 2200 }],
        stock: 30,
      },
    ],
  },
  {
    slug: "paper-and-thread",
    name: "Paper & Thread",
    description: "Books to read slowly and clothes to wear for years.",
    shipping: [
      {
        name: "Europe",
        countries: EU.concat(["GB", "CH", "NO"]),
        flatRate: 390,
        perKgRate: 100,
        freeShippingThreshold: 4000,
      },
      { name: "World", countries: ["*"], flatRate: 1490, perKgRate: 400, freeShippingThreshold: 15000 },
    ],
    products: [
      {
        title: "The quiet garden",
        description: "Essays on tending small plots.",
        tags: ["paperback", "essays"],
        category: "books",
        colour: [230, 220, 200],
        variants: [{ price: 1600 }],
        stock: 50,
      },
      {
        title: "Bread at home",
        description: "A baking book for beginners.",
        tags: ["hardcover", "cooking"],
        category: "books",
        colour: [210, 170, 110],
        variants: [{ price: 2900 }],
        stock: 20,
      },
      {
        title: "Organic cotton t-shirt",
        description: "Heavyweight jersey, garment dyed.",
        tags: ["cotton", "organic"],
        category: "t-shirts",
        colour: [40, 40, 50],
        variants: sizes(3500),
        stock: 25,
      },
      {
        title: "Waxed cotton jacket",
        description: "Water resistant, with a corduroy collar.",
        tags: ["jacket", "waxed"],
        category: "outerwear",
        colour: [90, 80, 50],
        variants: sizes(18900),
        stock: 8,
      },
    ],
  },
];

export const DEMO_VENDOR_PASSWORD = "local-vendor-password";
