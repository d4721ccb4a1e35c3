import { pickDisplayText } from './display-text';

describe('types 2.2.1 §DisplayText class: picking the text in the requested language', () => {
  const texts = [
    { language: 'nl', text: 'Ingang via de Stationsstraat' },
    { language: 'en', text: 'Entrance on Station Street' },
    { language: 'de', text: 'Eingang Bahnhofstraße' },
  ];

  it('takes the exact language, case-insensitively', () => {
    expect(pickDisplayText(texts, 'NL')?.text).toBe('Ingang via de Stationsstraat');
  });

  it('falls back from a regional tag to its primary language (nl-BE → nl)', () => {
    expect(pickDisplayText(texts, 'nl-BE')?.text).toBe('Ingang via de Stationsstraat');
    expect(pickDisplayText([{ language: 'fr-BE', text: 'Entrée' }, ...texts.slice(1)], 'fr')?.text).toBe('Entrée');
  });

  it('then to English, then to the first text the CPO sent', () => {
    expect(pickDisplayText(texts, 'fr')?.text).toBe('Entrance on Station Street');
    expect(pickDisplayText([texts[2], texts[0]], 'fr')?.text).toBe('Eingang Bahnhofstraße');
  });

  it('is null when there is no usable text', () => {
    expect(pickDisplayText([], 'en')).toBeNull();
    expect(pickDisplayText(null, 'en')).toBeNull();
    expect(pickDisplayText([{ language: 'en' } as never], 'en')).toBeNull();
  });
});
