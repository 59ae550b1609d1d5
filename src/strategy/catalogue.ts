/**
 * The five behaviour strategies of networked customers (access, engage, customize, connect,
 * collaborate), each with the guiding question it asks, the event types that show the behaviour in
 * the log, and its concept catalogue (issue 11, after the Customer Network Strategy Generator).
 */
import type { StrategyName } from './plan.js';

export interface StrategyEntry {
  strategy: StrategyName;
  guidingQuestion: string;
  /** Event types that express the behaviour (the canonical schema's names). */
  eventTypes: readonly string[];
  concepts: readonly { concept: string; guidingQuestion: string }[];
}

export const CATALOGUE: readonly StrategyEntry[] = [
  {
    strategy: 'access',
    guidingQuestion: 'How can we make it faster, easier, or available anytime and anywhere?',
    eventTypes: ['view', 'search'],
    concepts: [
      { concept: 'mobile commerce', guidingQuestion: 'Which steps can customers finish on their phone?' },
      { concept: 'omnichannel', guidingQuestion: 'Where do customers switch channels, and what breaks when they do?' },
      { concept: 'cloud', guidingQuestion: 'What could customers reach from any device without installing anything?' },
      { concept: 'on-demand', guidingQuestion: 'What could we deliver the moment the customer asks?' },
    ],
  },
  {
    strategy: 'engage',
    guidingQuestion: 'How can we become a source of valuable content for customers?',
    eventTypes: ['save', 'subscribe'],
    concepts: [
      { concept: 'product demos', guidingQuestion: 'What would customers understand better by seeing the product used?' },
      { concept: 'storytelling', guidingQuestion: 'Which story would customers tell about us?' },
      { concept: 'utility', guidingQuestion: 'What useful tool or information could we give away?' },
      { concept: 'brand as publisher', guidingQuestion: 'What would customers read or watch from us regularly?' },
    ],
  },
  {
    strategy: 'customize',
    guidingQuestion: 'How can we let customers adapt our offering to their needs?',
    eventTypes: ['cart', 'save'],
    concepts: [
      { concept: 'recommendation engines', guidingQuestion: 'What should each customer see next?' },
      { concept: 'personalised interfaces', guidingQuestion: 'Which choices could the interface remember?' },
      { concept: 'personalised products', guidingQuestion: 'Which parts of the product could customers configure?' },
      { concept: 'personalised messages', guidingQuestion: 'Which message fits which customer at which moment?' },
    ],
  },
  {
    strategy: 'connect',
    guidingQuestion: 'How can we become part of customers\' conversations?',
    eventTypes: ['share', 'review', 'mention', 'referral', 'follow'],
    concepts: [
      { concept: 'social listening', guidingQuestion: 'What are customers saying about us, and where?' },
      { concept: 'social customer service', guidingQuestion: 'Where could customers get help in public, from us or each other?' },
      { concept: 'joining the conversation', guidingQuestion: 'Which conversations could we join without intruding?' },
      { concept: 'asking for ideas', guidingQuestion: 'Which decision could customers help us make?' },
      { concept: 'hosting a community', guidingQuestion: 'Around which shared interest could customers meet?' },
    ],
  },
  {
    strategy: 'collaborate',
    guidingQuestion: 'How can customers contribute to our enterprise?',
    eventTypes: ['idea', 'vote', 'support'],
    concepts: [
      { concept: 'passive and active contribution', guidingQuestion: 'What do customers already give us, and what more would they give?' },
      { concept: 'crowdfunding', guidingQuestion: 'Which new product would customers pre-order?' },
      { concept: 'open competitions', guidingQuestion: 'Which problem could we pose as a challenge?' },
      { concept: 'collaborative platforms', guidingQuestion: 'Where could customers build with us, continuously?' },
    ],
  },
];
