/** An amount in minor units, formatted for its currency by Intl (JPY has no decimals, EUR two). */
export function formatMoney(amount: number, currency: string, locale = "en-GB"): string {
  const format = new Intl.NumberFormat(locale, { style: "currency", currency });
  const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
  return format.format(amount / 10 ** digits);
}
