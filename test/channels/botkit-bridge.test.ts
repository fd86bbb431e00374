/**
 * The assistant behind Botkit, driven by botbuilder's TestAdapter the way a channel adapter
 * drives it: the real server, assistant, limits and transcripts; only the platform is simulated.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestAdapter, type Activity, type TurnContext } from 'botbuilder';
import { StaffClient, startStaffServer, type StaffTestServer } from '../helpers/staff.js';

let server: StaffTestServer;
beforeAll(async () => {
  server = await startStaffServer({ WS_RATE_LIMIT: '6' }, [['tiina', 'trainer']], {});
});
afterAll(() => server.close());

let conversations = 0;

/** Numbered lines of a plan with their link on the next line. */
const linkedLines = (text: string) => text.match(/^\d+\. .*\n {3}https:\/\/\S+$/gm)?.length ?? 0;

/** One person on a platform (the adapter's channel id), talking to the assistant through Botkit. */
async function chat(channelId: string, locale: string) {
  let turn = (_context: TurnContext): Promise<void> => Promise.reject(new Error('not attached'));
  const adapter = new TestAdapter((context) => turn(context), {
    channelId,
    locale,
    conversation: {
      id: `conversation-${++conversations}`,
      isGroup: false,
      conversationType: 'personal',
      name: '',
    },
  });
  turn = await server.app.channels.attach(adapter);
  /** What the bot sent for one activity of the person. */
  const say = async (activity: string | Partial<Activity>): Promise<Partial<Activity>[]> => {
    await adapter.receiveActivity(activity);
    return adapter.activeQueue.splice(0);
  };
  const text = async (activity: string | Partial<Activity>) =>
    (await say(activity)).map((a) => a.text ?? '').join('\n\n');
  return { adapter, say, text };
}

describe('the assistant behind Botkit', () => {
  it('walks marriage to its plan in Estonian, the questions answered by typed numbers', async () => {
    const person = await chat('slack', 'et-EE');
    const intro = await person.text('tahame abielluda järgmisel suvel');
    expect(intro).toContain('1–6 kuu');
    // Slack shows no suggested actions: the quick replies are numbered, and a number answers.
    // A plain wish to marry is a marriage in Estonia: the first question is the residence.
    expect(intro).toMatch(/1\. Jah\n2\. Ei\n3\. Ei tea\nVasta numbriga või kirjuta oma sõnadega\./);
    expect(await person.text('1')).toMatch(/18-aastased[\s\S]*1\. Jah\n2\. Ei/);
    expect(await person.text('2')).toContain('perekonnanime');
    const plan = await person.text('3');
    expect(plan).toContain('tegevuskava');
    // The plan as plain text, each item followed by its link.
    expect(plan).toMatch(/\d\. Alaealise abiellumine[^\n]*\n {3}https:\/\/\S+/);
    expect(plan).toMatch(/\d\. Uus ID-kaart[^\n]*\n {3}https:\/\/\S+/);
    expect(linkedLines(plan)).toBeGreaterThanOrEqual(5);
  });

  it('walks marriage to its plan in Russian with numbered answers', async () => {
    const person = await chat('msteams', 'ru-RU');
    const intro = await person.text('мы с невестой хотим пожениться летом');
    expect(intro).toContain('1–6 месяцев');
    expect(intro).toMatch(
      /1\. Да\n2\. Нет\n3\. Не знаю\nОтветьте номером или напишите своими словами\./,
    );
    expect(await person.text('2')).toContain('18 лет');
    // Free words still answer too.
    expect(await person.text('да')).toContain('фамилию');
    const plan = await person.text('1.');
    expect(plan).toContain('план');
    expect(plan).toMatch(/\d\. Новая ID-карта[^\n]*\n {3}https:\/\/\S+/);
    expect(linkedLines(plan)).toBeGreaterThanOrEqual(5);
  });

  it('offers quick replies as suggested actions where the channel shows them, and a tap answers', async () => {
    const person = await chat('webchat', 'et-EE');
    const replies = await person.say('tahame abielluda');
    const question = replies.find((a) => a.suggestedActions);
    expect(question?.suggestedActions?.actions.map((a) => a.title)).toEqual([
      'Jah',
      'Ei',
      'Ei tea',
    ]);
    expect(question?.text).not.toContain('1. Jah');
    expect(await person.text('Jah')).toContain('18-aastased');
  });

  it('greets a person who joins before they write', async () => {
    const person = await chat('msteams', 'et-EE');
    const greeting = await person.text({
      type: 'conversationUpdate',
      membersAdded: [{ id: 'user', name: 'Mari' }],
    });
    expect(greeting).toMatch(/^Tere!/);
    expect(greeting).toContain('1. Abiellumine');
    // The greeting's numbers answer: 1 is marriage.
    expect(await person.text('1')).toContain('Abiellumine Eestis');
  });

  it('answers bad input in the person’s language and never passes it on', async () => {
    const person = await chat('slack', 'et-EE');
    await person.text('tahame abielluda');
    expect(await person.text('7')).toBe('Vali number 1 kuni 3 või kirjuta oma sõnadega.');
    expect(await person.text('x'.repeat(2001))).toBe(
      'Sõnum on liiga pikk. Kirjuta palun lühemalt (kuni 2000 märki).',
    );
    expect(
      await person.text({
        type: 'message',
        attachments: [{ contentType: 'image/png', contentUrl: 'https://example.com/a.png' }],
      }),
    ).toBe('Ma saan aru ainult tekstist. Kirjuta palun oma küsimus sõnadega.');
    // An activity without a sender is dropped (and logged), not answered.
    expect(await person.say({ type: 'message', text: 'tere', from: { id: '', name: '' } })).toEqual(
      [],
    );
    // The question is still open: 1 (yes) answers it.
    expect(await person.text('1')).toContain('18-aastased');
  });

  it('asks a person who writes too fast to slow down, once', async () => {
    const person = await chat('slack', 'ru-RU');
    for (let i = 0; i < 6; i++) await person.say(`привет ${i}`);
    expect(await person.text('привет')).toBe(
      'Слишком много сообщений подряд. Пожалуйста, подождите немного и напишите снова.',
    );
    expect(await person.say('привет')).toEqual([]);
  });

  it('keeps the channel’s name in the transcript', async () => {
    const person = await chat('telegram', 'et-EE');
    await person.text('tahame abielluda');
    const staff = new StaffClient(server.url);
    await staff.login('tiina');
    await expect
      .poll(async () => {
        const { items } = await staff.json<{ items: { channel: string; lifeEvents: string[] }[] }>(
          'GET',
          '/staff/api/conversations',
        );
        return items.filter((c) => c.channel === 'telegram').map((c) => c.lifeEvents);
      })
      .toEqual([['marriage']]);
  });
});
