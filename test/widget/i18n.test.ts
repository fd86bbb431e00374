import { describe, expect, it } from 'vitest';
import { translate } from '../../widget/src/i18n.js';

describe('widget texts', () => {
  it('say the retention days in the plural form the number takes (review 18 RU-7)', () => {
    const ru = (days: number) => translate('ru', 'privacy.notice', { days, count: days });
    expect(ru(1)).toContain('удаляется через 1 день.');
    expect(ru(3)).toContain('удаляется через 3 дня.');
    expect(ru(21)).toContain('удаляется через 21 день.');
    expect(ru(180)).toContain('удаляется через 180 дней.');
    expect(translate('et', 'privacy.notice', { days: 1, count: 1 })).toContain('1 päeva pärast');
    expect(translate('en', 'privacy.notice', { days: 90, count: 90 })).toContain('after 90 days');
    expect(translate('en', 'privacy.notice', { days: 1, count: 1 })).toContain('after 1 day.');
  });
});
