/**
 * The built-in demo instance: what `npm start` serves on an empty store, so
 * a terminal can be pointed at a fresh checkout and sell at once.
 */
export const DEMO_SLUG = 'demo';
export const DEMO_API_KEY = 'demo-api-key';
export const DEMO_BAR_PASSWORD = '1234';

export const DEMO_FILE = {
  instances: [
    {
      slug: DEMO_SLUG,
      name: 'ConcertPOS Demo Festival',
      api_key: DEMO_API_KEY,
      config: { ticket_limit: '50', license_key: 'DEMO-0001', currency: 'EUR' },
      license: {
        LicenseKey: 'DEMO-0001',
        Name: 'ConcertPOS Demo',
        Type: 'demo',
        Active: true,
        DeviceLimit: 0,
        TicketLimit: 0,
        ProductLimit: 0,
        PaymentLimit: 0,
        POSLimit: 0,
        Created: '2020-01-01T00:00:00.000Z',
        Expires: null,
      },
      deposit_product: 99,
      products: [
        { ID: 1, ProductName: 'Bier 0,5 l', Price: 4.5, Deposit: true, CrewBlocked: false },
        { ID: 2, ProductName: 'Wasser 0,5 l', Price: 2, Deposit: true, CrewBlocked: false },
        { ID: 3, ProductName: 'Cocktail', Price: 8.9, Deposit: true, CrewBlocked: true },
        { ID: 4, ProductName: 'Brezel', Price: 3.2, Deposit: false, CrewBlocked: false },
        { ID: 15, ProductName: 'Pfand zurück', Price: -2, Deposit: false, CrewBlocked: false },
        { ID: 99, ProductName: 'Pfand', Price: 2, Deposit: false, CrewBlocked: false },
      ],
      payment_methods: [
        { ID: 1, Payment: 'Bar', color: 'btn-success', crew: false },
        { ID: 2, Payment: 'Karte', color: 'btn-primary', crew: false },
        { ID: 3, Payment: 'Crew', color: 'btn-warning', crew: true },
      ],
      pos: [
        { ID: 1, PointOfSale: 'Bar Nord', enabled: true, special: false, admin: false, password: null, products: [1, 2, 3, 4, 15], payment_methods: [1, 2, 3] },
        { ID: 2, PointOfSale: 'Bar Süd', enabled: true, special: false, admin: false, password: null, products: [1, 2, 15], payment_methods: [1, 2] },
        { ID: 3, PointOfSale: 'Backstage', enabled: true, special: true, admin: false, password: DEMO_BAR_PASSWORD, products: [1, 2, 3, 4], payment_methods: [1, 3] },
      ],
    },
  ],
};
